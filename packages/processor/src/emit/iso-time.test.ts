import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../test/support/random.ts';
import { isoTime } from './iso-time.ts';

const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_800_000;
const DAY_MS = 86_400_000;

describe('isoTime', () => {
  it('writes what Date#toISOString writes, at the edges of days, years and its own range', () => {
    const edges = [0, -0, 1, -1, 999, 1000, DAY_MS - 1, DAY_MS, -DAY_MS, 951_782_400_000, 1_748_735_999_809];
    for (const ms of [MIN_MS, MAX_MS, 1_709_164_800_000 /* 2024-02-29 */, 4_107_542_400_000 /* 2100-03-01 */])
      edges.push(ms - 1, ms, ms + 1, ms - 0.5, ms + 0.5);
    for (const ms of [...edges, 0.5, -0.5, 1.999, -1.999, 8.64e15, -8.64e15])
      expect([ms, isoTime(ms)]).toEqual([ms, new Date(ms).toISOString()]);
  });

  it('writes what Date#toISOString writes for random times, in order and jumping around', () => {
    const random = seededRandom(7);
    let ms = 1_748_735_999_000;
    for (let i = 0; i < 20_000; i++) {
      ms += Math.floor(random() * 50_000_000);
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      const far = Math.floor((random() * 2 - 0.5) * MAX_MS);
      expect(isoTime(far)).toBe(new Date(far).toISOString());
    }
  });

  it('throws the RangeError toISOString throws for times it cannot write', () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1]) expect(() => isoTime(ms)).toThrow(RangeError);
  });
});
