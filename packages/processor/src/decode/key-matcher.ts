/**
 * Matches attribute keys straight from protobuf bytes without decoding them:
 * most keys on a span are ones the processor ignores, so the common answer is
 * "no" and it should cost one table load. The table is indexed by (byte
 * length, last byte) — keys share long prefixes (`gen_ai.usage.`,
 * `telltale.`) and differ at the end — and chains the few keys that share a
 * slot; a candidate is then compared byte by byte from the end.
 */
export class KeyMatcher {
  readonly maxLength: number;
  /** First key id for slot len * 256 + lastByte, or -1. */
  readonly #heads: Int16Array;
  /** Next key id in the same slot, or -1. */
  readonly #next: Int16Array;
  /** All key bytes back to back; key i starts at #offsets[i]. */
  readonly #flat: Uint8Array;
  readonly #offsets: Int32Array;
  readonly #ids = new Map<string, number>();

  /** `keys[i]` gets id i. */
  constructor(keys: readonly string[]) {
    const encoder = new TextEncoder();
    const encoded = keys.map((k) => encoder.encode(k));
    this.maxLength = Math.max(0, ...encoded.map((b) => b.length));
    this.#heads = new Int16Array((this.maxLength + 1) * 256).fill(-1);
    this.#next = new Int16Array(keys.length).fill(-1);
    this.#offsets = new Int32Array(keys.length);
    this.#flat = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
    let offset = 0;
    encoded.forEach((bytes, id) => {
      this.#ids.set(keys[id]!, id);
      this.#offsets[id] = offset;
      this.#flat.set(bytes, offset);
      offset += bytes.length;
      if (bytes.length === 0) return;
      const slot = bytes.length * 256 + bytes[bytes.length - 1]!;
      this.#next[id] = this.#heads[slot]!;
      this.#heads[slot] = id;
    });
  }

  /** The id of the key in buf[start, start+len), or -1. */
  matchBytes(buf: Uint8Array, start: number, len: number): number {
    if (len > this.maxLength || len === 0) return -1;
    let id = this.#heads[len * 256 + buf[start + len - 1]!]!;
    while (id >= 0) {
      const off = this.#offsets[id]!;
      const flat = this.#flat;
      let i = len - 2;
      while (i >= 0 && flat[off + i] === buf[start + i]) i--;
      if (i < 0) return id;
      id = this.#next[id]!;
    }
    return -1;
  }

  /** The id of a key already decoded to a string (the JSON path), or -1. */
  matchString(key: string): number {
    return this.#ids.get(key) ?? -1;
  }
}
