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
    this.#lengths = new Int32Array(size).fill(-1);
    this.#values = new Array<string>(size).fill('');
  }

  /** The string for buf[start, end), decoded as UTF-8 (invalid sequences become U+FFFD). */
  get(buf: Buffer, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > this.#maxLength) return buf.toString('utf8', start, end);
    // Hash a sample, not every byte: length, the first byte, the middle one and the last four (where
    // values like tenant-41 and tenant-42 differ). The byte comparison below decides equality.
    let h = Math.imul(len, 0x9e3779b1) ^ buf[start]!;
    h = Math.imul(h ^ buf[start + (len >> 1)]!, 0x01000193);
    h = Math.imul(h ^ buf[end - 1]!, 0x01000193);
    if (len >= 4) h = Math.imul(h ^ (buf[end - 2]! | (buf[end - 3]! << 8) | (buf[end - 4]! << 16)), 0x01000193);
    const slot = (h ^ (h >>> 13) ^ (h >>> 21)) & this.#mask;
    const base = slot * this.#maxLength;
    const arena = this.#arena;
    if (this.#lengths[slot] === len) {
      let i = 0;
      while (i < len && arena[base + i] === buf[start + i]) i++;
      if (i === len) return this.#values[slot]!;
    }
    const value = buf.toString('utf8', start, end);
    for (let i = 0; i < len; i++) arena[base + i] = buf[start + i]!;
    this.#lengths[slot] = len;
    this.#values[slot] = value;
    return value;
  }
}
