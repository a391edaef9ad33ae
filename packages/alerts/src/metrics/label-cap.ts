import { OVERFLOW } from '@telltale/conventions';

/**
 * Caps the distinct values of one label. Counters never forget a label set,
 * so the first `max` values keep their name for the life of the process and
 * every later one is counted as `__overflow__`.
 */
export class LabelCap {
  readonly #max: number;
  readonly #seen = new Set<string>();
  overflowed = 0;

  constructor(max: number) {
    this.#max = max;
  }

  value(v: string): string {
    if (this.#seen.has(v)) return v;
    if (this.#seen.size >= this.#max) {
      this.overflowed++;
      return OVERFLOW;
    }
    this.#seen.add(v);
    return v;
  }
}
