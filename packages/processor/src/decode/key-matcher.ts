/**
 * Matches attribute keys straight from protobuf bytes without decoding them:
 * most keys on a span are ones the processor ignores, so the common answer is
 * "no" and it should cost a length check and a byte or two. Keys are bucketed
 * by byte length; within a bucket they are compared from the last byte, since
 * keys share long prefixes (`gen_ai.usage.`, `telltale.`) and differ at the end.
 */
export class KeyMatcher {
  /** byLength[len] = ids of keys with that byte length. */
  readonly #byLength: (number[] | undefined)[] = [];
  readonly #bytes: Uint8Array[] = [];
  readonly #ids = new Map<string, number>();
  readonly maxLength: number;

  /** `keys[i]` gets id i. */
  constructor(keys: readonly string[]) {
    const encoder = new TextEncoder();
    let max = 0;
    keys.forEach((key, id) => {
      const bytes = encoder.encode(key);
      this.#bytes[id] = bytes;
      this.#ids.set(key, id);
      let bucket = this.#byLength[bytes.length];
      if (bucket === undefined) {
        bucket = [];
        this.#byLength[bytes.length] = bucket;
      }
      bucket.push(id);
      if (bytes.length > max) max = bytes.length;
    });
    for (let len = 0; len <= max; len++) this.#byLength[len] ??= undefined;
    this.maxLength = max;
  }

  /** The id of the key in buf[start, start+len), or -1. */
  matchBytes(buf: Uint8Array, start: number, len: number): number {
    if (len > this.maxLength) return -1;
    const bucket = this.#byLength[len];
    if (bucket === undefined) return -1;
    for (let c = 0; c < bucket.length; c++) {
      const id = bucket[c]!;
      const key = this.#bytes[id]!;
      let i = len - 1;
      while (i >= 0 && key[i] === buf[start + i]) i--;
      if (i < 0) return id;
    }
    return -1;
  }

  /** The id of a key already decoded to a string (the JSON path), or -1. */
  matchString(key: string): number {
    return this.#ids.get(key) ?? -1;
  }
}
