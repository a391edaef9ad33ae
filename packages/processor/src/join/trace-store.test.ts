import { describe, expect, it } from 'vitest';
import type { Mark } from '../engine/mark.ts';
import { TraceBudget } from './trace-budget.ts';
import { TraceStore } from './trace-store.ts';

function store(max = 100): TraceStore {
  return new TraceStore({
    budget: new TraceBudget(max),
    joinWaitMs: 1_000,
    orphanTimeoutMs: 60_000,
    maxSpansPerTrace: 10,
    closeOf: (endMs) => endMs + 20_000,
  });
}

const mark = (position: bigint, streamTimeMs = 5, forcedClosedEndMs = Number.NEGATIVE_INFINITY): Mark => ({
  position,
  streamTimeMs,
  forcedClosedEndMs,
});

describe('TraceStore', () => {
  it('gives back each trace first mark exactly, positions past 2^53 included, and the earliest of them', () => {
    const s = store();
    const big = mark(2n ** 60n + 1n, 7, 3);
    const a = s.open('a'.repeat(32), big, 10);
    const b = s.open('b'.repeat(32), mark(42n, 9), 10);
    expect(s.first(a)).toEqual(big);
    expect(s.first(b)).toEqual(mark(42n, 9));
    expect(s.earliestMark()).toEqual(mark(42n, 9));
    s.take(b, () => {}, undefined);
    expect(s.earliestMark()).toEqual(big);
    s.take(a, () => {}, undefined);
    expect(s.earliestMark()).toBeUndefined();
  });

  it('reuses freed slots without leaking the previous trace into the new one', () => {
    const s = store();
    const first = s.open('c'.repeat(32), mark(1n), 10);
    s.addWorkflow(first, '1'.repeat(16), '', 10, 'svc', 'wf', 'tenant', 'success');
    s.addSpend(first, '1'.repeat(16), 5);
    s.addFallback(first, '2'.repeat(16), '1'.repeat(16));
    s.take(first, () => {}, undefined);
    const next = s.open('d'.repeat(32), mark(2n), 20);
    expect(next).toBe(first);
    expect(s.workflowCount(next)).toBe(0);
    s.addWorkflow(next, '3'.repeat(16), '', 20, 'svc', 'wf2', 'tenant', 'failure');
    const seen: unknown[][] = [];
    s.joined(next, { workflow: (...args) => seen.push(args) });
    expect(seen).toEqual([['svc', 'wf2', 'tenant', 20, 'failure', false, undefined, 0, 0]]);
  });

  it('refuses a trace when the shared budget is spent, and returns the budget as traces leave', () => {
    const budget = new TraceBudget(1);
    const s = new TraceStore({ budget, joinWaitMs: 1, orphanTimeoutMs: 1, maxSpansPerTrace: 1, closeOf: (e) => e });
    const a = s.open('a'.repeat(32), mark(1n), 1);
    expect(s.open('b'.repeat(32), mark(2n), 1)).toBe(-1);
    s.take(a, () => {}, undefined);
    expect(budget.open).toBe(0);
    expect(s.open('b'.repeat(32), mark(2n), 1)).toBeGreaterThanOrEqual(0);
    s.clear();
    expect([budget.open, s.size, s.get('b'.repeat(32))]).toEqual([0, 0, -1]);
  });
});
