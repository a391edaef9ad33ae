import { describe, expect, it } from 'vitest';
import { seededRandom as rand } from '../../../../test/support/random.ts';
import type { Mark } from '../engine/mark.ts';
import { TraceBudget } from './trace-budget.ts';
import {
  type Attributable,
  joinWorkflows,
  type MultiWorkflowTrace,
  type SpendEntry,
  type WorkflowRef,
} from './trace-join.ts';
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
    s.take(b, () => {}, 0);
    expect(s.earliestMark()).toEqual(big);
    s.take(a, () => {}, 0);
    expect(s.earliestMark()).toBeUndefined();
  });

  it('reuses freed slots without leaking the previous trace into the new one', () => {
    const s = store();
    const first = s.open('c'.repeat(32), mark(1n), 10);
    s.addWorkflow(first, '1'.repeat(16), '', 10, 'svc', 'wf', 'tenant', 'success');
    s.addSpend(first, '4'.repeat(16), '1'.repeat(16), 5);
    s.addFallback(first, '2'.repeat(16), '1'.repeat(16));
    s.take(first, () => {}, 0);
    const next = s.open('d'.repeat(32), mark(2n), 20);
    expect(next).toBe(first);
    expect(s.workflowCount(next)).toBe(0);
    s.addWorkflow(next, '3'.repeat(16), '', 20, 'svc', 'wf2', 'tenant', 'failure');
    const seen: unknown[][] = [];
    s.joined(next, (...args) => seen.push(args));
    expect(seen).toEqual([['svc', 'wf2', 'tenant', 20, 'failure', false, 0, 0, 0]]);
  });

  it('refuses a trace when the shared budget is spent, and returns the budget as traces leave', () => {
    const budget = new TraceBudget(1);
    const s = new TraceStore({ budget, joinWaitMs: 1, orphanTimeoutMs: 1, maxSpansPerTrace: 1, closeOf: (e) => e });
    const a = s.open('a'.repeat(32), mark(1n), 1);
    expect(s.open('b'.repeat(32), mark(2n), 1)).toBe(-1);
    s.take(a, () => {}, 0);
    expect(budget.open).toBe(0);
    expect(s.open('b'.repeat(32), mark(2n), 1)).toBeGreaterThanOrEqual(0);
    s.clear();
    expect([budget.open, s.size, s.get('b'.repeat(32))]).toEqual([0, 0, -1]);
  });
});

describe('TraceStore against a plain model of each trace', () => {
  it('hands out the same workflows, spend and fallbacks as the join over what was added, through slot and entry reuse', () => {
    const r = rand(23);
    const s = new TraceStore({
      budget: new TraceBudget(40),
      joinWaitMs: 1_000,
      orphanTimeoutMs: 60_000,
      maxSpansPerTrace: 6,
      closeOf: (endMs) => endMs + 20_000,
    });
    const ids = Array.from({ length: 60 }, (_, i) => i.toString(16).padStart(32, '0'));
    const spanId = () =>
      Math.floor(r() * 12)
        .toString(16)
        .padStart(16, '0');
    type Model = {
      slot: number;
      trace: MultiWorkflowTrace & {
        workflows: WorkflowRef[];
        spend: SpendEntry[];
        fallbacks: Attributable[];
        links: string[];
      };
    };
    const open = new Map<string, Model>();
    let finished = 0;
    for (let step = 0; step < 30_000; step++) {
      const id = ids[Math.floor(r() * ids.length)] as string;
      let m = open.get(id);
      if (!m) {
        const slot = s.open(id, mark(BigInt(step)), step);
        if (slot < 0) {
          expect(open.size).toBe(40);
        } else {
          m = { slot, trace: { workflows: [], spend: [], fallbacks: [], links: [] } };
          open.set(id, m);
        }
      }
      if (!m) continue;
      expect(s.get(id)).toBe(m.slot);
      const op = r();
      if (op < 0.15) {
        const ref: WorkflowRef = {
          spanId: spanId(),
          parentSpanId: r() < 0.5 ? '' : spanId(),
          endMs: step,
          service: 'svc',
          workflow: `wf${Math.floor(r() * 3)}`,
          tenant: `t${Math.floor(r() * 3)}`,
          outcome: r() < 0.5 ? 'success' : 'failure',
        };
        s.addWorkflow(
          m.slot,
          ref.spanId,
          ref.parentSpanId,
          ref.endMs,
          ref.service,
          ref.workflow,
          ref.tenant,
          ref.outcome,
        );
        m.trace.workflows.push(ref);
      } else if (op < 0.45) {
        const parentSpanId = spanId();
        // Amounts near 2^53, and now and then a bigint, so sums cross into the bigint part.
        const pico = r() < 0.1 ? undefined : r() < 0.05 ? 2n ** 60n : Math.floor(r() * 2 ** 51);
        const own = spanId();
        s.addSpend(m.slot, own, parentSpanId, pico);
        m.trace.spend.push({ parentSpanId, pico });
        // A model call links the spans under it to the workflow above it.
        m.trace.links.push(own, parentSpanId);
      } else if (op < 0.65) {
        const a = { spanId: spanId(), parentSpanId: r() < 0.2 ? '' : spanId() };
        const kept = s.addLink(m.slot, a.spanId, a.parentSpanId);
        if (a.parentSpanId && kept) m.trace.links.push(a.spanId, a.parentSpanId);
        expect(kept || m.trace.links.length >= 12).toBe(true);
      } else if (op < 0.7) {
        const a = { spanId: spanId(), parentSpanId: spanId() };
        s.addFallback(m.slot, a.spanId, a.parentSpanId);
        m.trace.fallbacks.push(a);
      } else if (op < 0.8) {
        const got: unknown[][] = [];
        const taken = s.take(
          m.slot,
          (slot) => {
            expect(s.workflowCount(slot)).toBe(m?.trace.workflows.length);
            s.joined(slot, (...args) => got.push(args));
          },
          0,
        );
        expect(taken).toBe(true);
        const want =
          m.trace.workflows.length === 0
            ? []
            : joinWorkflows(m.trace).map((j) => [
                j.ref.service,
                j.ref.workflow,
                j.ref.tenant,
                j.ref.endMs,
                j.ref.outcome,
                j.withFallback,
                j.spend.pico.toString(),
                j.spend.pricedCalls,
                j.spend.unpricedCalls,
              ]);
        expect(got.map((g) => [...g.slice(0, 6), String(g[6]), g[7], g[8]])).toEqual(want);
        expect(s.take(m.slot, () => expect.unreachable(), 0)).toBe(false);
        open.delete(id);
        finished++;
      }
      expect(s.size).toBe(open.size);
    }
    expect(finished).toBeGreaterThan(1_000);
  });
});
