import { describe, expect, it } from 'vitest';
import { decimal, PicoSum, picoOf } from './pico-sum.ts';

describe('PicoSum', () => {
  it('adds numbers exactly', () => {
    const s = new PicoSum();
    s.add(1_500_000);
    s.add(2);
    expect(s.toString()).toBe('1500002');
  });

  it('carries into bigint past 2^53 without losing a picodollar', () => {
    const s = new PicoSum();
    const max = Number.MAX_SAFE_INTEGER;
    s.add(max);
    s.add(1);
    s.add(max);
    s.add(3);
    expect(s.toString()).toBe((2n * BigInt(max) + 4n).toString());
  });

  it('mixes bigint amounts and other sums', () => {
    const a = new PicoSum();
    a.add(10n ** 20n);
    a.add(5);
    const b = new PicoSum();
    b.add(7);
    b.addSum(a);
    b.addSum(a);
    expect(b.toString()).toBe((2n * 10n ** 20n + 17n).toString());
  });

  it('starts at zero', () => {
    expect(new PicoSum().toString()).toBe('0');
  });
});

describe('picoOf', () => {
  it('narrows to a number only when exact', () => {
    expect(picoOf(12n)).toBe(12);
    expect(picoOf(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(picoOf(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe(BigInt(Number.MAX_SAFE_INTEGER) + 1n);
  });
});

describe('decimal', () => {
  it('prints every safe integer as String does', () => {
    const edge = [0, 1, 999_999_999, 1_000_000_000, 1_000_000_001, 10_000_000_000, 2 ** 31, Number.MAX_SAFE_INTEGER];
    for (const n of edge) expect(decimal(n)).toBe(String(n));
    let x = 12345;
    for (let i = 0; i < 10_000; i++) {
      x = (x * 48271) % 2147483647;
      const n = Math.floor((x / 2147483647) * Number.MAX_SAFE_INTEGER);
      expect(decimal(n)).toBe(String(n));
    }
  });
});
