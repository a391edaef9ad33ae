/**
 * A picodollar amount as the engine carries it: a safe-integer number when it
 * fits, which is every real call and every real window, else a bigint.
 */
export type Pico = number | bigint;

/**
 * An exact running sum of picodollars. Doubles add non-negative integers
 * exactly while the sum stays at or below 2^53 - 1, and a sum past it shows
 * as at least 2^53 (rounding is monotonic), so the check costs one compare;
 * only then does the bigint part take over. The hot path allocates nothing,
 * where `bigint +=` allocated on every call and every workflow.
 */
export class PicoSum {
  #small = 0;
  #big = 0n;

  /** Adds a non-negative integer amount. */
  add(p: Pico): void {
    if (typeof p === 'bigint') {
      this.#big += p;
      return;
    }
    const s = this.#small + p;
    if (s <= Number.MAX_SAFE_INTEGER) this.#small = s;
    else {
      this.#big += BigInt(this.#small) + BigInt(p);
      this.#small = 0;
    }
  }

  addSum(other: PicoSum): void {
    this.add(other.#small);
    if (other.#big !== 0n) this.#big += other.#big;
  }

  /** The sum as a Pico: a number while it fits. */
  value(): Pico {
    return picoValue(this.#small, this.#big === 0n ? undefined : this.#big);
  }

  /** Exact decimal digits, as records carry money. */
  toString(): string {
    return picoDecimal(this.#small, this.#big === 0n ? undefined : this.#big);
  }
}

/**
 * PicoSum's arithmetic for sums kept in columns, as the trace store and the
 * window counts keep theirs: the sum is cols[i] (a safe-integer double) plus
 * big.get(id) (what went past 2^53, absent while nothing did).
 */
export function addPicoAt(cols: Float64Array, i: number, pico: Pico, big: Map<number, bigint>, id: number): void {
  if (typeof pico === 'bigint') {
    big.set(id, (big.get(id) ?? 0n) + pico);
    return;
  }
  const small = cols[i] as number;
  const s = small + pico;
  if (s <= Number.MAX_SAFE_INTEGER) cols[i] = s;
  else {
    big.set(id, (big.get(id) ?? 0n) + BigInt(small) + BigInt(pico));
    cols[i] = 0;
  }
}

/** A sum held as a double and an optional bigint excess, as a Pico. */
export function picoValue(small: number, big: bigint | undefined): Pico {
  return big === undefined ? small : big + BigInt(small);
}

/** A sum held as a double and an optional bigint excess, in exact decimal digits. */
export function picoDecimal(small: number, big: bigint | undefined): string {
  return big === undefined ? decimal(small) : (big + BigInt(small)).toString();
}

/**
 * A safe non-negative integer in decimal. Above 2^31 String() takes the
 * general double-to-text path (about 100 ns); two halves below 1e9 take the
 * small-integer one, about 2.5 times faster, and every record prints a few.
 */
export function decimal(n: number): string {
  if (n < 1e9) return `${n}`;
  const high = Math.floor(n / 1e9);
  const low = `${n - high * 1e9}`;
  return `${high}${'000000000'.slice(low.length)}${low}`;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A bigint amount as a Pico: a number when that is exact. */
export function picoOf(b: bigint): Pico {
  return b <= MAX_SAFE ? Number(b) : b;
}
