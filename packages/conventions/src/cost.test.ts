import { describe, expect, it } from 'vitest';
import { addPico, picoToUsd, usdToPico } from './cost.ts';

describe('picodollar money', () => {
  it('converts dollars to picodollars exactly for prices with many decimals', () => {
    expect(usdToPico(0.0123)).toBe(12_300_000_000n);
    expect(usdToPico(0.000000375)).toBe(375_000n);
    expect(usdToPico(1234.5)).toBe(1_234_500_000_000_000n);
  });

  it('sums many tiny amounts with no drift, unlike floating-point dollars', () => {
    let pico = '0';
    let float = 0;
    for (let i = 0; i < 100_000; i++) {
      pico = addPico(pico, usdToPico(0.0000001).toString());
      float += 0.0000001;
    }
    expect(pico).toBe('10000000000'); // $0.01 exactly
    expect(float).not.toBe(0.01);
    expect(picoToUsd(pico)).toBe(0.01);
  });

  it('refuses negative and non-finite amounts with a message that names the value', () => {
    expect(() => usdToPico(-1)).toThrow(/-1/);
    expect(() => usdToPico(Number.NaN)).toThrow(/NaN/);
    expect(() => usdToPico(Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
  });
});
