import type { AggregateRecord } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { modelSpan, safetyEvent, span, toolSpan, workflowSpan } from '../../test/spans.ts';
import { PriceTable } from '../cost/price-table.ts';
import { Engine } from '../engine/engine.ts';
import type { Span } from '../span.ts';

const prices = new PriceTable([
  { provider: 'openai', model: 'gpt-4o-mini', validFrom: '1970-01-01', usdPerMillion: { input: '1', output: '2' } },
]);
const T = 'ab'.repeat(16);
const WF = `${'0'.repeat(15)}1`;
const AGENT = `${'0'.repeat(15)}2`;

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function runRecords(records: Span[][]): AggregateRecord[] {
  const e = new Engine({ shard: 's/0', prices, joinWaitMs: 5_000 });
  records.forEach((r, i) => {
    e.process(r, BigInt(i));
  });
  // Stream time far ahead: everything closes by the normal rules, not by flush.
  e.process([span({ traceId: 'f'.repeat(32), endTimeMs: 10_000_000 })], BigInt(records.length));
  return e.drain().aggregates;
}

describe('trace join', () => {
  // A workflow (failed), an agent span between it and a model call, two model calls (one in an
  // earlier window), a tool call and a fallback: children end first, as in real traces.
  const trace: Span[] = [
    modelSpan({ traceId: T, spanId: 'a'.repeat(16), parentSpanId: AGENT, endTimeMs: 8_000, costUsd: 0.25 }),
    modelSpan({
      traceId: T,
      spanId: 'b'.repeat(16),
      parentSpanId: AGENT,
      endTimeMs: 12_000,
      safetyEvents: [safetyEvent()],
    }),
    span({ traceId: T, spanId: AGENT, parentSpanId: WF, endTimeMs: 13_000, workflow: 'answer', tenant: 't1' }),
    toolSpan({ traceId: T, spanId: 'c'.repeat(16), parentSpanId: AGENT, endTimeMs: 12_500 }),
    workflowSpan({ traceId: T, spanId: WF, endTimeMs: 14_000, outcome: 'failure' }),
  ];

  const byWindow = (out: AggregateRecord[]) =>
    Object.fromEntries(out.filter((r) => r.key.workflow === 'answer').map((r) => [r.window.startMs, r]));

  it('yields the same records in every arrival order of the spans (all 120)', () => {
    const expected = runRecords(trace.map((s) => [s]));
    const w = byWindow(expected);
    // The workflow counts in the window of its own end, with ALL model spend of the trace (failed ones too).
    expect(w[10_000]?.workflows).toEqual({ success: 0, failure: 1, handoff: 0, abandoned: 0 });
    expect(w[10_000]?.workflowsWithFallback).toBe(1);
    expect(w[10_000]?.workflowCost).toEqual({
      picoUsd: (250_000_000_000n + 1_200_000_000n).toString(),
      pricedCalls: 2,
      unpricedCalls: 0,
    });
    // Per-span contributions stay in the window of the span's own end.
    expect(w[0]?.models['openai/gpt-4o-mini']?.calls).toBe(1);
    expect(w[10_000]?.models['openai/gpt-4o-mini']?.calls).toBe(1);
    for (const order of permutations(trace)) expect(runRecords(order.map((s) => [s]))).toEqual(expected);
  });

  it('yields the same records whichever spans share an input record', () => {
    const expected = runRecords(trace.map((s) => [s]));
    expect(runRecords([trace])).toEqual(expected);
    expect(runRecords([[...trace].reverse()])).toEqual(expected);
    expect(runRecords([trace.slice(0, 2), trace.slice(2)])).toEqual(expected);
  });

  it('leaves out of the workflow spend a model call that arrives after the join wait, keeping it in models', () => {
    const out = runRecords([
      [workflowSpan({ traceId: T, spanId: WF, endTimeMs: 1_000 })],
      [span({ traceId: 'e'.repeat(32), endTimeMs: 6_000 })],
      [modelSpan({ traceId: T, parentSpanId: WF, endTimeMs: 900, costUsd: 1 })],
    ]);
    const r = out.find((x) => x.key.workflow === 'answer') as AggregateRecord;
    expect(r.workflows.success).toBe(1);
    expect(r.workflowCost.pricedCalls).toBe(0);
    expect(r.models['openai/gpt-4o-mini']?.calls).toBe(1);
  });

  it('attributes spend to the nearest workflow ancestor when a trace holds several workflows', () => {
    const OUTER = `${'0'.repeat(15)}a`;
    const INNER = `${'0'.repeat(15)}b`;
    const spans = [
      workflowSpan({ traceId: T, spanId: OUTER, workflow: 'outer', endTimeMs: 5_000 }),
      workflowSpan({ traceId: T, spanId: INNER, parentSpanId: OUTER, workflow: 'inner', endTimeMs: 4_000 }),
      span({ traceId: T, spanId: AGENT, parentSpanId: INNER, workflow: 'inner', endTimeMs: 3_500 }),
      modelSpan({ traceId: T, spanId: 'c'.repeat(16), parentSpanId: AGENT, workflow: 'inner', costUsd: 2 }),
      modelSpan({ traceId: T, spanId: 'd'.repeat(16), parentSpanId: OUTER, workflow: 'outer', costUsd: 3 }),
      // Parent unknown to the trace: goes to the earliest-ending workflow.
      modelSpan({ traceId: T, spanId: 'e'.repeat(16), parentSpanId: '9'.repeat(16), workflow: 'outer', costUsd: 5 }),
    ];
    for (const order of permutations(spans)) {
      const out = runRecords(order.map((s) => [s]));
      const cost = (wf: string) => out.find((r) => r.key.workflow === wf && r.workflows.success === 1)?.workflowCost;
      expect(cost('inner')?.picoUsd).toBe((7n * 1_000_000_000_000n).toString());
      expect(cost('outer')?.picoUsd).toBe((3n * 1_000_000_000_000n).toString());
    }
  });

  it('counts a workflow under its own key, whatever key and window its children counted under', () => {
    // The children count under another tenant, and one in an earlier window: the engine's shortcut to
    // the accumulator the trace last used must not carry the workflow there.
    const spans = [
      modelSpan({ traceId: T, spanId: 'c'.repeat(16), parentSpanId: WF, tenant: 'child', endTimeMs: 9_000 }),
      toolSpan({ traceId: T, spanId: 'd'.repeat(16), parentSpanId: WF, tenant: 'child', endTimeMs: 12_000 }),
      workflowSpan({ traceId: T, spanId: WF, tenant: 'parent', endTimeMs: 13_000 }),
    ];
    for (const order of permutations(spans)) {
      const out = runRecords(order.map((s) => [s])).filter((r) => r.key.workflow === 'answer');
      const at = (start: number, tenant: string) =>
        out.find((r) => r.window.startMs === start && r.key.tenant === tenant);
      expect(at(10_000, 'parent')?.workflows.success).toBe(1);
      expect(at(10_000, 'parent')?.workflowCost.pricedCalls).toBe(1);
      expect(at(10_000, 'child')?.workflows.success).toBe(0);
      expect(at(0, 'child')?.workflows.success).toBe(0);
      expect(out.reduce((n, r) => n + r.workflows.success, 0)).toBe(1);
    }
  });

  it('reaches the workflow above a model call from the spans under it (a tool call the model made)', () => {
    const A = `${'0'.repeat(15)}a`;
    const B = `${'0'.repeat(15)}b`;
    const CALL = 'c'.repeat(16);
    const spans = [
      workflowSpan({ traceId: T, spanId: A, workflow: 'first', endTimeMs: 1_000 }),
      workflowSpan({ traceId: T, spanId: B, workflow: 'second', endTimeMs: 2_000 }),
      modelSpan({ traceId: T, spanId: CALL, parentSpanId: B, workflow: 'second', endTimeMs: 1_500, costUsd: 0.5 }),
      // Under the model call, not under a workflow directly: without the model call as a link they went to
      // the earliest-ending workflow (first).
      modelSpan({
        traceId: T,
        spanId: 'd'.repeat(16),
        parentSpanId: CALL,
        workflow: 'second',
        endTimeMs: 1_400,
        costUsd: 1,
      }),
      span({
        traceId: T,
        spanId: 'e'.repeat(16),
        parentSpanId: CALL,
        workflow: 'second',
        endTimeMs: 1_450,
        safetyEvents: [safetyEvent()],
      }),
    ];
    for (const order of permutations(spans)) {
      const out = runRecords(order.map((s) => [s]));
      const wf = (name: string) => out.find((r) => r.key.workflow === name && r.workflows.success === 1);
      expect(wf('second')?.workflowCost.picoUsd).toBe(1_500_000_000_000n.toString());
      expect(wf('second')?.workflowsWithFallback).toBe(1);
      expect(wf('first')?.workflowCost.picoUsd).toBe('0');
      expect(wf('first')?.workflowsWithFallback).toBe(0);
    }
  });

  it('counts every workflow of a trace whose workflows end in two windows, with its spend', () => {
    // Due at the close of the first workflow's window (20 s), which closes right after: both still count.
    const records: Span[][] = [
      [
        span({ traceId: T, spanId: WF, endTimeMs: 8_000, workflow: 'answer' }),
        workflowSpan({ traceId: T, spanId: AGENT, parentSpanId: WF, workflow: 'first', endTimeMs: 9_000 }),
        modelSpan({
          traceId: T,
          spanId: 'c'.repeat(16),
          parentSpanId: AGENT,
          workflow: 'first',
          endTimeMs: 8_500,
          costUsd: 2,
        }),
      ],
      [workflowSpan({ traceId: T, spanId: 'd'.repeat(16), parentSpanId: WF, workflow: 'second', endTimeMs: 16_000 })],
      [span({ traceId: 'e'.repeat(32), endTimeMs: 20_000 })],
    ];
    const out = runRecords(records);
    const first = out.find((r) => r.key.workflow === 'first' && r.window.startMs === 0);
    expect(first?.workflows.success).toBe(1);
    expect(first?.workflowCost.picoUsd).toBe(2_000_000_000_000n.toString());
    expect(out.find((r) => r.key.workflow === 'second')?.workflows.success).toBe(1);
  });
});
