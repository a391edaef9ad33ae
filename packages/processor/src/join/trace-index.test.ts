import { describe, expect, it } from 'vitest';
import { seededRandom as rand } from '../../../../test/support/random.ts';
import { TraceIndex } from './trace-index.ts';

describe('TraceIndex', () => {
  it('agrees with a Map through any mix of adds and deletes, across growth and wrapped probe runs', () => {
    const r = rand(11);
    const ids: string[] = [];
    const index = new TraceIndex((slot) => ids[slot] as string);
    const model = new Map<string, number>();
    const free: number[] = [];
    for (let step = 0; step < 60_000; step++) {
      const live = [...model.values()];
      // Fill past the initial table (1024 entries) first, then churn.
      if (step < 3_000 || r() < 0.6 || live.length === 0) {
        // A small id space so that lookups of absent ids and reuse of deleted ones both happen.
        const id = Math.floor(r() * 8_000)
          .toString(16)
          .padStart(32, '0');
        if (model.has(id)) continue;
        const slot = free.pop() ?? ids.length;
        ids[slot] = id;
        index.add(slot);
        model.set(id, slot);
      } else {
        const slot = live[Math.floor(r() * live.length)] as number;
        expect(index.delete(slot)).toBe(true);
        model.delete(ids[slot] as string);
        free.push(slot);
      }
      if (step % 97 === 0) {
        const probe = Math.floor(r() * 8_000)
          .toString(16)
          .padStart(32, '0');
        expect(index.get(probe)).toBe(model.get(probe) ?? -1);
      }
      expect(index.size).toBe(model.size);
    }
    for (const [id, slot] of model) expect(index.get(id)).toBe(slot);
    expect([...index.slots()].sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
    expect(model.size).toBeGreaterThan(1500);
  });

  it('finds ids that are not 32 hex characters, and says false for a slot it does not hold', () => {
    const ids = ['', 'X', 'ABC', 'ü'.repeat(40)];
    const index = new TraceIndex((slot) => ids[slot] as string);
    index.add(0);
    index.add(1);
    index.add(3);
    expect([index.get(''), index.get('X'), index.get('ABC'), index.get('ü'.repeat(40))]).toEqual([0, 1, -1, 3]);
    expect(index.delete(2)).toBe(false);
    index.clear();
    expect([index.size, index.get('X')]).toEqual([0, -1]);
  });
});
