import { type AggregateRecord, aggregateRecordSchema, OVERFLOW, safetyEventRecordSchema } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { modelSpan, safetyEvent, span, toolSpan, workflowSpan } from '../../test/spans.ts';
import { PriceTable } from '../cost/price-table.ts';
import { TraceBudget } from '../join/trace-budget.ts';
import type { Span } from '../span.ts';
import { Engine } from './engine.ts';
import type { EngineOptions } from './options.ts';

// $1 and $2 per million tokens: 1 µUSD and 2 µUSD per token.
const prices = new PriceTable([
  { provider: 'openai', model: 'gpt-4o-mini', validFrom: '1970-01-01', usdPerMillion: { input: '1', output: '2' } },
]);

function engine(over: Partial<EngineOptions> = {}): Engine {
  return new Engine({
    shard: 'spans/0',
    prices,
    window: { sizeMs: 10_000, graceMs: 10_000 },
    joinWaitMs: 5_000,
    ...over,
  });
}

/** Feeds records (one per array) at positions 0, 1, ...; then flushes when asked. */
function run(e: Engine, records: Span[][], flush = true): AggregateRecord[] {
  records.forEach((r, i) => {
    e.process(r, BigInt(i));
  });
  if (flush) e.flush();
  return e.drain().aggregates;
}

describe('windows', () => {
  it('emits a window once, when stream time reaches its end plus grace, and not before', () => {
    const e = engine();
    e.process([toolSpan({ endTimeMs: 1_000 })], 0n);
    e.process([span({ endTimeMs: 19_999 })], 1n);
    expect(e.drain().aggregates).toEqual([]);
    e.process([span({ endTimeMs: 20_000 })], 2n);
    const out = e.drain().aggregates;
    expect(out).toHaveLength(1);
    const rec = aggregateRecordSchema.parse(out[0]);
    expect(rec.window).toEqual({ startMs: 0, endMs: 10_000 });
    expect(rec.tools).toEqual({ search: { calls: 1, successes: 1 } });
    e.process([span({ endTimeMs: 40_000 })], 3n);
    expect(e.drain().aggregates).toEqual([]);
  });

  it('closes windows on advance() without new data, as the embedded transport drives it', () => {
    const e = engine();
    e.process([toolSpan({ endTimeMs: 1_000 })], 0n);
    e.advance(19_999);
    expect(e.drain().aggregates).toEqual([]);
    e.advance(20_000);
    expect(e.drain().aggregates).toHaveLength(1);
    expect(e.openWindows).toBe(0);
  });

  it('closes windows on a tick read from the input, at its position, and a tick never moves stream time back', () => {
    const e = engine();
    e.process([toolSpan({ traceId: 'c'.repeat(32), endTimeMs: 1_000 })], 0n);
    e.process([workflowSpan({ traceId: 'c'.repeat(32), endTimeMs: 2_000 })], 1n);
    e.tick(19_999, 2n);
    expect(e.drain().aggregates).toEqual([]);
    e.tick(20_000, 3n);
    expect(e.drain().aggregates.map((r) => r.window.startMs)).toEqual([0]);
    // Nothing is open any more: a restart resumes after the tick, at the stream time it set.
    expect(e.checkpoint()).toMatchObject({ position: 4n, streamTimeMs: 20_000 });
    e.tick(5_000, 4n);
    expect(e.streamTimeMs).toBe(20_000);
    expect(() => e.tick(30_000, 4n)).toThrow(/already processed/);
  });

  it('replays ticks to the same records from a checkpoint taken between them', () => {
    const input: ((e: Engine, position: bigint) => void)[] = [
      (e, p) => e.process([toolSpan({ endTimeMs: 1_000 })], p),
      (e, p) => e.tick(12_000, p),
      (e, p) => e.process([toolSpan({ endTimeMs: 12_500 })], p),
      (e, p) => e.tick(40_000, p),
    ];
    const feed = (e: Engine, from: number, to: number) => {
      for (let i = from; i < to; i++) input[i]?.(e, BigInt(i));
      return e.drain().aggregates;
    };
    const whole = feed(engine(), 0, 4);
    expect(whole.map((r) => r.window.startMs)).toEqual([0, 10_000]);
    const crashed = engine();
    expect(feed(crashed, 0, 3)).toEqual([]);
    const checkpoint = crashed.checkpoint();
    if (!checkpoint) throw new Error('no checkpoint');
    expect(feed(engine({ restore: checkpoint }), Number(checkpoint.position), 4)).toEqual(whole);
  });

  it('counts and drops a span whose window has closed (late) but still emits its safety events', () => {
    const e = engine();
    e.process([span({ endTimeMs: 25_000 })], 0n);
    e.process([toolSpan({ endTimeMs: 5_000, safetyEvents: [safetyEvent({ kind: 'blocked' })] })], 1n);
    expect(e.counters.lateSpans).toBe(1);
    const out = e.drain();
    expect(out.aggregates).toEqual([]);
    expect(out.safetyEvents).toHaveLength(1);
    e.flush();
    expect(e.drain().aggregates).toEqual([]);
  });

  it('accepts a span within the grace period into its still-open window', () => {
    const e = engine();
    e.process([span({ endTimeMs: 19_000 })], 0n);
    e.process([toolSpan({ endTimeMs: 9_999 })], 1n);
    expect(e.counters.lateSpans).toBe(0);
    e.flush();
    expect(e.drain().aggregates[0]?.tools.search?.calls).toBe(1);
  });

  it('classifies tool success, model errors, tokens and safety events by kind and policy', () => {
    const out = run(engine(), [
      [
        toolSpan({ spanId: 'a'.repeat(16) }),
        toolSpan({ spanId: 'b'.repeat(16), statusCode: 2 }),
        toolSpan({ spanId: 'c'.repeat(16), errorType: 'timeout' }),
        modelSpan({ spanId: 'd'.repeat(16), statusCode: 2, cacheReadTokens: 10, reasoningTokens: 5 }),
        modelSpan({
          spanId: 'e'.repeat(16),
          responseModel: 'gpt-4o-mini',
          safetyEvents: [safetyEvent(), safetyEvent({ kind: 'policy_triggered', policy: 'pii' })],
        }),
      ],
    ]);
    expect(out).toHaveLength(1);
    const r = out[0] as AggregateRecord;
    expect(r.tools.search).toEqual({ calls: 3, successes: 1 });
    expect(r.models['openai/gpt-4o-mini']).toMatchObject({
      calls: 2,
      errors: 1,
      tokens: { input: 2000, output: 200, cacheRead: 10, reasoning: 5 },
      cost: { pricedCalls: 2, unpricedCalls: 0 },
    });
    expect(r.fallbacks).toBe(1);
    expect(r.safety).toEqual({ fallback: { 'model-down': 1 }, policy_triggered: { pii: 1 } });
  });

  it('gives every record a deterministic id over shard, window and key', () => {
    const a = run(engine(), [[toolSpan()]]);
    const b = run(engine(), [[toolSpan()]]);
    const c = run(engine({ shard: 'spans/1' }), [[toolSpan()]]);
    expect(a[0]?.id).toBe(b[0]?.id);
    expect(a[0]?.id).not.toBe(c[0]?.id);
  });
});

describe('cost arithmetic', () => {
  it('sums costs exactly to the micro-dollar where float dollars drift', () => {
    const spans = Array.from({ length: 1000 }, (_, i) =>
      modelSpan({ spanId: i.toString(16).padStart(16, '0'), costUsd: 0.000001 * ((i % 7) + 1) }),
    );
    const out = run(engine(), [spans]);
    let expectedMicro = 0;
    for (let i = 0; i < 1000; i++) expectedMicro += (i % 7) + 1;
    expect(out[0]?.models['openai/gpt-4o-mini']?.cost.picoUsd).toBe((BigInt(expectedMicro) * 1_000_000n).toString());
    let floatSum = 0;
    for (let i = 0; i < 1000; i++) floatSum += 0.000001 * ((i % 7) + 1);
    expect(floatSum * 1e6).not.toBe(expectedMicro);
  });

  it('keeps unpriced calls apart and never counts them as $0', () => {
    const out = run(engine(), [[modelSpan({ requestModel: 'mystery' }), workflowSpan({ endTimeMs: 1_500 })]]);
    const r = out[0] as AggregateRecord;
    expect(r.models['openai/mystery']?.cost).toEqual({ picoUsd: '0', pricedCalls: 0, unpricedCalls: 1 });
    expect(r.workflowCost).toEqual({ picoUsd: '0', pricedCalls: 0, unpricedCalls: 1 });
  });
});

describe('caps and overflow', () => {
  it('folds tenants past the per-window cap into __overflow__ and counts them', () => {
    const e = engine({ limits: { tenants: 2 } });
    const out = run(e, [
      ['t1', 't2', 't3', 't4', 't3'].map((t, i) => toolSpan({ tenant: t, spanId: i.toString(16).padStart(16, '0') })),
    ]);
    expect(out.map((r) => r.key.tenant).sort()).toEqual([OVERFLOW, 't1', 't2']);
    expect(out.find((r) => r.key.tenant === OVERFLOW)?.tools.search?.calls).toBe(3);
    expect(e.counters.overflow.tenant).toBe(3);
  });

  it('counts a key whose tenant is literally __overflow__ with the folded ones, in either order', () => {
    const spanIds = (n: number) => n.toString(16).padStart(16, '0');
    for (const tenants of [
      ['t1', 't2', OVERFLOW],
      [OVERFLOW, 't1', 't2'],
    ]) {
      const out = run(engine({ limits: { tenants: 1 } }), [
        tenants.map((t, i) => toolSpan({ tenant: t, spanId: spanIds(i) })),
      ]);
      const byTenant = Object.fromEntries(out.map((r) => [r.key.tenant, r.tools.search?.calls]));
      expect(byTenant, tenants.join(',')).toEqual(tenants[0] === 't1' ? { t1: 1, [OVERFLOW]: 2 } : { [OVERFLOW]: 3 });
    }
  });

  it('folds whole keys past the per-window key cap into one __overflow__ key', () => {
    const e = engine({ limits: { keys: 2 } });
    const out = run(e, [
      ['t1', 't2', 't3', 't4', 't1'].map((t, i) => toolSpan({ tenant: t, spanId: i.toString(16).padStart(16, '0') })),
    ]);
    expect(out.map((r) => [r.key.service, r.key.workflow, r.key.tenant, r.tools.search?.calls])).toEqual([
      ['svc', 'answer', 't1', 2],
      ['svc', 'answer', 't2', 1],
      [OVERFLOW, OVERFLOW, OVERFLOW, 2],
    ]);
    expect(e.counters.overflow.keys).toBe(2);
  });

  it('folds tools and models past their caps into __overflow__', () => {
    const e = engine({ limits: { tools: 1, models: 1 } });
    const out = run(e, [
      [
        toolSpan({ toolName: 'a' }),
        toolSpan({ toolName: 'b' }),
        modelSpan({ requestModel: 'x' }),
        modelSpan({ requestModel: 'y' }),
      ],
    ]);
    expect(Object.keys(out[0]?.tools ?? {}).sort()).toEqual([OVERFLOW, 'a']);
    expect(Object.keys(out[0]?.models ?? {}).sort()).toEqual([`${OVERFLOW}/${OVERFLOW}`, 'openai/x']);
    expect(e.counters.overflow.tool).toBe(1);
    expect(e.counters.overflow.model).toBe(1);
  });

  it('folds safety policies past the per-window cap into __overflow__, so a policy carrying an id cannot grow a record without end', () => {
    const e = engine({ limits: { policies: 2 } });
    const blocked = (policy: string) => safetyEvent({ kind: 'blocked', policy });
    e.process(
      [
        toolSpan({ safetyEvents: [blocked('pii/request-1'), blocked('pii/request-2')] }),
        toolSpan({ safetyEvents: [blocked('pii/request-3'), blocked('pii/request-1'), blocked('pii/request-4')] }),
      ],
      0n,
    );
    e.flush();
    const out = e.drain();
    expect(out.aggregates[0]?.safety).toEqual({ blocked: { 'pii/request-1': 2, 'pii/request-2': 1, [OVERFLOW]: 2 } });
    expect(e.counters.overflow.policy).toBe(2);
    // The audit trail keeps every event with its own policy.
    expect(out.safetyEvents.map((s) => s.policy).sort()).toEqual([
      'pii/request-1',
      'pii/request-1',
      'pii/request-2',
      'pii/request-3',
      'pii/request-4',
    ]);
  });

  it('counts a workflow whose trace finds no room among open traces without its spend, never silently', () => {
    const e = engine({ maxOpenTraces: 1 });
    const out = run(e, [
      [modelSpan({ traceId: '1'.repeat(32) })],
      [modelSpan({ traceId: '2'.repeat(32), costUsd: 1 }), workflowSpan({ traceId: '2'.repeat(32), endTimeMs: 2_000 })],
    ]);
    expect(e.counters.overflow.open_traces).toBe(2);
    const r = out[0] as AggregateRecord;
    expect(r.workflows.success).toBe(1);
    expect(r.workflowCost.pricedCalls).toBe(0);
    expect(r.models['openai/gpt-4o-mini']?.calls).toBe(2);
  });

  it('shares one open-trace budget between the engines of a process and gets it back on dispose', () => {
    const budget = new TraceBudget(1);
    const a = engine({ shard: 'spans/0', traceBudget: budget });
    const b = engine({ shard: 'spans/1', traceBudget: budget });
    a.process([modelSpan({ traceId: '1'.repeat(32) })], 0n);
    b.process([modelSpan({ traceId: '2'.repeat(32) })], 0n);
    expect([a.openTraces, b.openTraces, b.counters.overflow.open_traces]).toEqual([1, 0, 1]);
    a.dispose();
    expect(budget.open).toBe(0);
    b.process([modelSpan({ traceId: '3'.repeat(32) })], 1n);
    expect(b.openTraces).toBe(1);
  });

  it('closes the oldest window early when too many are open, and counts it', () => {
    const e = engine({ maxOpenWindows: 2, window: { sizeMs: 10_000, graceMs: 1_000_000 }, joinWaitMs: 0 });
    e.process([toolSpan({ endTimeMs: 1_000 })], 0n);
    e.process([toolSpan({ endTimeMs: 11_000 })], 1n);
    e.process([toolSpan({ endTimeMs: 21_000 })], 2n);
    expect(e.drain().aggregates.map((r) => r.window.startMs)).toEqual([0]);
    expect(e.counters.overflow.open_windows).toBe(1);
    e.process([toolSpan({ endTimeMs: 2_000 })], 3n);
    expect(e.counters.lateSpans).toBe(1);
  });

  it('finishes a trace once when flushing forces a window closed that takes it before its turn', () => {
    const e = engine({ maxOpenWindows: 1, window: { sizeMs: 1_000, graceMs: 10_000 }, joinWaitMs: 5_000 });
    const X = 'a'.repeat(32);
    const Z = 'b'.repeat(32);
    // Window [0, 1000) is open (a tool span) and holds Z's workflow; X's workflow is in [1000, 2000).
    e.process([toolSpan({ traceId: Z, spanId: '1'.repeat(16), parentSpanId: '2'.repeat(16), endTimeMs: 400 })], 0n);
    e.process([workflowSpan({ traceId: Z, spanId: '2'.repeat(16), endTimeMs: 500 })], 1n);
    e.process([workflowSpan({ traceId: X, spanId: '3'.repeat(16), workflow: 'x', endTimeMs: 1_500 })], 2n);
    // Flush finishes X first (trace id order): its window needs [0, 1000) closed, which finishes Z then.
    e.flush();
    const out = e.drain().aggregates;
    const workflows = (wf: string) => out.filter((r) => r.key.workflow === wf).map((r) => r.workflows.success);
    expect(workflows('answer')).toEqual([1]);
    expect(workflows('x')).toEqual([1]);
    expect(e.counters.lateWorkflows).toBe(0);
    expect(e.openTraces).toBe(0);
  });

  it('expires a trace that never sees its workflow span after the orphan timeout; its spend stays in models', () => {
    const e = engine({ orphanTimeoutMs: 60_000 });
    e.process([modelSpan({ endTimeMs: 1_000 })], 0n);
    e.process([span({ traceId: 'f'.repeat(32), endTimeMs: 60_999 })], 1n);
    expect(e.openTraces).toBe(1);
    e.process([span({ traceId: 'f'.repeat(32), endTimeMs: 61_000 })], 2n);
    expect(e.openTraces).toBe(0);
    expect(e.counters.orphanTraces).toBe(1);
    const r = e.drain().aggregates[0] as AggregateRecord;
    expect(r.models['openai/gpt-4o-mini']?.calls).toBe(1);
    expect(r.workflowCost.pricedCalls).toBe(0);
  });
});

describe('configuration guard', () => {
  it('refuses a join wait longer than the grace period', () => {
    expect(() => engine({ joinWaitMs: 20_000 })).toThrow(/joinWaitMs .* must not exceed graceMs/);
  });
});

describe('safety event records', () => {
  it('emits one valid audit record per safety event with a deterministic id', () => {
    const s = modelSpan({
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      promptVersion: 'p7',
      serviceVersion: '1.2.3',
      safetyEvents: [safetyEvent()],
    });
    const a = engine();
    a.process([s], 0n);
    const b = engine();
    b.process([s], 0n);
    const [ra] = a.drain().safetyEvents;
    const [rb] = b.drain().safetyEvents;
    const rec = safetyEventRecordSchema.parse(ra);
    expect(rec).toMatchObject({
      kind: 'fallback',
      policy: 'model-down',
      tenant: 't1',
      fallback: { from: 'gpt-4o', to: 'gpt-4o-mini', reason: 'timeout' },
      versions: { prompt: 'p7', model: 'gpt-4o-mini', release: '1.2.3' },
      time: '1970-01-01T00:00:01.000Z',
    });
    expect(ra?.id).toBe(rb?.id);
  });

  it('counts and skips a span without a usable end time, leaving stream time alone', () => {
    const e = engine();
    e.process([toolSpan({ endTimeMs: Number.NaN })], 0n);
    expect(e.counters.invalid.end_time).toBe(1);
    expect(e.openWindows).toBe(0);
    expect(e.streamTimeMs).toBe(Number.NEGATIVE_INFINITY);
  });

  it('counts an unknown safety kind instead of emitting it', () => {
    const e = engine();
    e.process([span({ safetyEvents: [safetyEvent({ kind: 'weird' })] })], 0n);
    expect(e.drain().safetyEvents).toEqual([]);
    expect(e.counters.invalid.safety_kind).toBe(1);
  });
});
