import type { Buffer } from 'node:buffer';

/**
 * Interns short UTF-8 strings read from protobuf bytes. Attribute values on
 * AI spans repeat endlessly (operation names, models, providers, tools,
 * tenants), and turning bytes into a string costs far more than hashing and
 * comparing a few bytes. A hit returns the very same string, which also
 * spares the engine rehashing it as a map key.
 *
 * Direct-mapped and fixed-size: a collision replaces the slot, so memory is
 * bounded whatever the input (a million distinct tenants only cost misses).
 */
export class StringTable {
  readonly #mask: number;
  readonly #maxLength: number;
  /** Slot i's key bytes live at arena[i * maxLength, + lengths[i]). */
  readonly #arena: Uint8Array;
  readonly #arenaView: DataView;
  /** -1 = empty slot. */
  readonly #lengths: Int32Array;
  readonly #values: string[];

  /** `slots` is rounded up to a power of two; strings longer than `maxLength` bytes are decoded, not interned. */
  constructor(slots = 4096, maxLength = 48) {
    let size = 1;
    while (size < slots) size <<= 1;
    this.#mask = size - 1;
    this.#maxLength = maxLength;
    this.#arena = new Uint8Array(size * maxLength);
    this.#arenaView = new DataView(this.#arena.buffer);
    this.#lengths = new Int32Array(size).fill(-1);
    this.#values = new Array<string>(size).fill('');
  }

  /**
   * The string for buf[start, end), decoded as UTF-8 (invalid sequences become
   * U+FFFD). `view` covers the same bytes as `buf`; callers with one at hand
   * pass it (words compare 3-4 times faster than bytes).
   */
  get(
    buf: Buffer,
    start: number,
    end: number,
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
  ): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > this.#maxLength) return buf.toString('utf8', start, end);
    const arena = this.#arenaView;
    // Hash the first and last four bytes (where values like tenant-41 and tenant-42 differ) and the
    // length; the comparison below decides equality.
    let h: number;
    if (len >= 4) h = Math.imul(view.getInt32(start, true) ^ len, 0x9e3779b1) ^ view.getInt32(end - 4, true);
    else h = Math.imul(view.getUint8(start) ^ (view.getUint8(end - 1) << 8) ^ (len << 16), 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
    const slot = (h ^ (h >>> 13)) & this.#mask;
    const base = slot * this.#maxLength;
    if (this.#lengths[slot] === len) {
      if (len >= 4) {
        const last = len - 4;
        if (arena.getInt32(base + last, true) === view.getInt32(start + last, true)) {
          let o = 0;
          while (o < last && arena.getInt32(base + o, true) === view.getInt32(start + o, true)) o += 4;
          if (o >= last) return this.#values[slot]!;
        }
      } else {
        let i = 0;
        while (i < len && arena.getUint8(base + i) === view.getUint8(start + i)) i++;
        if (i === len) return this.#values[slot]!;
      }
    }
    const value = buf.toString('utf8', start, end);
    buf.copy(this.#arena, base, start, end);
    this.#lengths[slot] = len;
    this.#values[slot] = value;
    return value;
  }
}
