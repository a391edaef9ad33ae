/**
 * Money in telltale records is an integer count of picodollars (1e-12 USD),
 * carried in JSON as a decimal string. Token prices are fractions of a
 * micro-dollar (e.g. $0.0375 per million tokens = 37 500 pUSD per token), so
 * integers of this unit add up exactly across calls, windows and replicas,
 * which floating-point dollars do not.
 */
export const PICO_PER_USD = 1_000_000_000_000n;

/** A decimal string of a non-negative integer number of picodollars. */
export type PicoUsd = string;

/** Dollars (as a span attribute or config carries them) to picodollars, rounded to the nearest. */
export function usdToPico(usd: number): bigint {
  if (!Number.isFinite(usd) || usd < 0)
    throw new RangeError(`cost must be a finite, non-negative number of USD, got ${usd}`);
  // Split to keep integer precision for large values: whole dollars exactly, the rest rounded.
  const whole = Math.trunc(usd);
  const frac = Math.round((usd - whole) * 1e12);
  return BigInt(whole) * PICO_PER_USD + BigInt(frac);
}

/** Picodollars to dollars as a float, for display and Prometheus only. */
export function picoToUsd(pico: bigint | PicoUsd): number {
  const p = typeof pico === 'bigint' ? pico : BigInt(pico);
  const whole = p / PICO_PER_USD;
  const rest = p % PICO_PER_USD;
  return Number(whole) + Number(rest) / 1e12;
}

/** Adds two picodollar amounts in their wire form. */
export function addPico(a: PicoUsd, b: PicoUsd): PicoUsd {
  return (BigInt(a) + BigInt(b)).toString();
}
