import { describe, expect, it } from 'vitest';
import { seededRandom as rand } from '../../../../test/support/random.ts';
import { DueQueue } from './due-queue.ts';

describe('DueQueue', () => {
  it('pops by (due time, trace id) through any mix of adds, moves and removals, growing past its first size', () => {
    const r = rand(7);
    const ids: string[] = [];
    const q = new DueQueue((slot) => ids[slot] as string);
    const due = new Map<number, number>();
    const taken: string[] = [];
    const expected: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      const op = r();
      const queued = [...due.keys()];
      if (op < 0.6 || queued.length === 0) {
        // A fresh slot each time: slot numbers run past the queue's initial 1024.
        const slot = ids.length;
        ids.push(`t${Math.floor(r() * 1e6)}-${step}`);
        // Few distinct due times, so ties (broken by trace id) are common.
        const d = Math.floor(r() * 50);
        q.add(slot, d);
        due.set(slot, d);
      } else if (op < 0.8) {
        const slot = queued[Math.floor(r() * queued.length)] as number;
        const d = Math.floor(r() * 50);
        q.update(slot, d);
        due.set(slot, d);
      } else if (op < 0.85) {
        const slot = queued[Math.floor(r() * queued.length)] as number;
        q.remove(slot);
        due.delete(slot);
        expect(q.has(slot)).toBe(false);
      } else {
        const [first] = [...due].sort(
          (a, b) => a[1] - b[1] || ((ids[a[0]] as string) < (ids[b[0]] as string) ? -1 : 1),
        );
        const top = q.peek();
        expect(q.peekDueMs()).toBe(first?.[1]);
        taken.push(ids[top] as string);
        expected.push(ids[first?.[0] ?? -1] ?? '');
        q.remove(top);
        due.delete(top);
      }
      expect(q.size).toBe(due.size);
    }
    expect(taken.length).toBeGreaterThan(1000);
    expect(Math.max(...due.keys(), 0)).toBeGreaterThan(1024);
    expect(due.size).toBeGreaterThan(1024);
    expect(taken).toEqual(expected);
  });

  it('is empty after clear, with every slot marked as not queued', () => {
    const ids = ['t3', 't1', 't2'];
    const q = new DueQueue((slot) => ids[slot] as string);
    for (const slot of [0, 1, 2]) q.add(slot, slot);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peek()).toBe(-1);
    expect(q.peekDueMs()).toBe(Number.POSITIVE_INFINITY);
    expect([0, 1, 2].map((s) => q.has(s))).toEqual([false, false, false]);
  });
});
