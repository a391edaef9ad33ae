import { describe, expect, it } from 'vitest';
import { seededRandom as rand } from '../../../../test/support/random.ts';
import { type DueItem, DueQueue } from './due-queue.ts';

describe('DueQueue', () => {
  it('pops by (due time, trace id) through any mix of adds, moves and removals', () => {
    const r = rand(7);
    const q = new DueQueue<DueItem>();
    const due = new Map<DueItem, number>();
    const taken: string[] = [];
    const expected: string[] = [];
    for (let step = 0; step < 20_000; step++) {
      const op = r();
      const queued = [...due.keys()];
      if (op < 0.4 || queued.length === 0) {
        const item = { traceId: `t${Math.floor(r() * 1e6)}-${step}`, queueIndex: -1 };
        // Few distinct due times, so ties (broken by trace id) are common.
        const d = Math.floor(r() * 50);
        q.add(item, d);
        due.set(item, d);
      } else if (op < 0.7) {
        const item = queued[Math.floor(r() * queued.length)] as DueItem;
        const d = Math.floor(r() * 50);
        q.update(item, d);
        due.set(item, d);
      } else if (op < 0.8) {
        const item = queued[Math.floor(r() * queued.length)] as DueItem;
        q.remove(item);
        due.delete(item);
        expect(item.queueIndex).toBe(-1);
      } else {
        const [first] = [...due].sort((a, b) => a[1] - b[1] || (a[0].traceId < b[0].traceId ? -1 : 1));
        const top = q.peek() as DueItem;
        expect(q.peekDueMs()).toBe(first?.[1]);
        taken.push(top.traceId);
        expected.push(first?.[0].traceId ?? '');
        q.remove(top);
        due.delete(top);
      }
      expect(q.size).toBe(due.size);
    }
    expect(taken.length).toBeGreaterThan(1000);
    expect(taken).toEqual(expected);
  });

  it('is empty after clear, with every item marked as not queued', () => {
    const q = new DueQueue<DueItem>();
    const items = [3, 1, 2].map((d) => ({ traceId: `t${d}`, queueIndex: -1 }));
    for (const [i, item] of items.entries()) q.add(item, i);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.peekDueMs()).toBe(Number.POSITIVE_INFINITY);
    expect(items.map((i) => i.queueIndex)).toEqual([-1, -1, -1]);
  });
});
