import { type AggregateCounts, emptyCounts, mergeCounts } from '@telltale/conventions';
import { seededRandom as rng } from '../../../test/support/random.ts';
import { newSpan } from '../src/decode/span-fields.ts';
import type { SafetyEventView, Span } from '../src/span.ts';

/**
 * A generated workload with its ground truth, computed here from the
 * generator's own choices (not by the engine): per (window, service,
 * workflow, tenant), what the aggregates must add up to.
 *
 * Traces start in increasing time, last at most 3 s, and their spans are
 * delivered together (in shuffled order), so with grace ≥ 10 s and join wait
 * 5 s nothing is late and every join completes: the truth is exact.
 */
export const WORKLOAD_WINDOW_MS = 10_000;
/** Price of the workload's priced model (not in the shipped table): $1 input and $3 output per million tokens. */
export const WORKLOAD_PRICES = [
  { provider: 'acme', model: 'acme-chat-1', validFrom: '2020-01-01', usdPerMillion: { input: '1', output: '3' } },
];

export interface WorkloadTrace {
  traceId: string;
  spans: Span[];
}

export interface Workload {
  traces: WorkloadTrace[];
  /** `${windowStartMs}|${service}|${workflow}|${tenant}` → counts. */
  truth: Map<string, AggregateCounts>;
  safetyEvents: number;
  startMs: number;
  endMs: number;
}

export function truthKey(windowStartMs: number, service: string, workflow: string, tenant: string): string {
  return `${windowStartMs}|${service}|${workflow}|${tenant}`;
}

const OUTCOMES = ['success', 'failure', 'handoff', 'abandoned'] as const;

export function generateWorkload(opts: { traces: number; seed: number; startMs?: number; tenants?: number }): Workload {
  const rand = rng(opts.seed);
  const int = (n: number) => Math.floor(rand() * n);
  const hex = (len: number) => Array.from({ length: len }, () => '0123456789abcdef'[int(16)]).join('');
  const startMs = opts.startMs ?? Date.parse('2025-06-01T00:00:00Z');
  const truth = new Map<string, AggregateCounts>();
  const at = (endMs: number, service: string, workflow: string, tenant: string): AggregateCounts => {
    const k = truthKey(Math.floor(endMs / WORKLOAD_WINDOW_MS) * WORKLOAD_WINDOW_MS, service, workflow, tenant);
    let c = truth.get(k);
    if (!c) {
      c = emptyCounts();
      truth.set(k, c);
    }
    return c;
  };
  const traces: WorkloadTrace[] = [];
  let safetyEvents = 0;
  let t0 = startMs;
  for (let i = 0; i < opts.traces; i++) {
    t0 += int(400);
    const traceId = hex(32);
    const service = `svc-${int(2)}`;
    const workflow = `wf-${int(3)}`;
    const tenant = `tenant-${int(opts.tenants ?? 5)}`;
    const outcome = OUTCOMES[int(4)] as (typeof OUTCOMES)[number];
    const wfId = hex(16);
    const wfEnd = t0 + 2_000 + int(1_000);
    const base = { traceId, service, serviceVersion: '1.0.0', workflow, tenant };
    const spans: Span[] = [];
    let wfPico = 0n;
    let wfPriced = 0;
    let wfUnpriced = 0;
    let fallback = false;
    const calls = 1 + int(3);
    for (let j = 0; j < calls; j++) {
      const end = t0 + int(2_000);
      const kind = int(3); // 0 explicit cost, 1 priced by table, 2 unpriced
      const input = 1 + int(5000);
      const output = int(2000);
      const micro = 1 + int(100_000);
      const events: SafetyEventView[] = [];
      if (int(5) === 0) {
        fallback = true;
        events.push(event(end, 'fallback', 'model-down'));
      }
      if (int(7) === 0) events.push(event(end, 'policy_triggered', `pii-${int(2)}`));
      safetyEvents += events.length;
      const error = int(6) === 0;
      const model = kind === 2 ? 'in-house-llm' : 'acme-chat-1';
      spans.push(
        blank({
          ...base,
          spanId: hex(16),
          parentSpanId: wfId,
          endTimeMs: end,
          operation: 'chat',
          provider: 'acme',
          requestModel: model,
          inputTokens: input,
          outputTokens: output,
          statusCode: error ? 2 : 1,
          costUsd: kind === 0 ? micro / 1e6 : undefined,
          safetyEvents: events,
        }),
      );
      const pico = kind === 0 ? BigInt(micro) * 1_000_000n : kind === 1 ? BigInt(input + 3 * output) * 1_000_000n : 0n;
      const c = at(end, service, workflow, tenant);
      const m = emptyCounts();
      m.models[`acme/${model}`] = {
        provider: 'acme',
        model,
        calls: 1,
        errors: error ? 1 : 0,
        tokens: { input, output, cacheRead: 0, reasoning: 0 },
        cost: { picoUsd: pico.toString(), pricedCalls: kind === 2 ? 0 : 1, unpricedCalls: kind === 2 ? 1 : 0 },
      };
      for (const ev of events) {
        m.safety[ev.kind as 'fallback'] = { [ev.policy]: 1 };
        if (ev.kind === 'fallback') m.fallbacks++;
      }
      mergeCounts(c, m);
      if (kind === 2) wfUnpriced++;
      else {
        wfPico += pico;
        wfPriced++;
      }
    }
    const tools = int(3);
    for (let j = 0; j < tools; j++) {
      const end = t0 + int(2_000);
      const name = `tool-${int(4)}`;
      const ok = int(4) !== 0;
      spans.push(
        blank({
          ...base,
          spanId: hex(16),
          parentSpanId: wfId,
          endTimeMs: end,
          operation: 'execute_tool',
          toolName: name,
          statusCode: ok ? 0 : 2,
          errorType: ok ? '' : 'ToolError',
        }),
      );
      const m = emptyCounts();
      m.tools[name] = { calls: 1, successes: ok ? 1 : 0 };
      mergeCounts(at(end, service, workflow, tenant), m);
    }
    spans.push(
      blank({
        ...base,
        spanId: wfId,
        endTimeMs: wfEnd,
        operation: 'invoke_workflow',
        outcome,
        statusCode: outcome === 'failure' ? 2 : 1,
      }),
    );
    const w = emptyCounts();
    w.workflows[outcome] = 1;
    w.workflowsWithFallback = fallback ? 1 : 0;
    w.workflowCost = { picoUsd: wfPico.toString(), pricedCalls: wfPriced, unpricedCalls: wfUnpriced };
    mergeCounts(at(wfEnd, service, workflow, tenant), w);
    // Children usually end (and are exported) first, but any order must work.
    for (let j = spans.length - 1; j > 0; j--) {
      const k = int(j + 1);
      [spans[j], spans[k]] = [spans[k] as Span, spans[j] as Span];
    }
    traces.push({ traceId, spans });
  }
  return { traces, truth, safetyEvents, startMs, endMs: t0 + 3_000 };
}

function event(endMs: number, kind: string, policy: string): SafetyEventView {
  return {
    timeUnixNano: (BigInt(endMs) * 1_000_000n).toString(),
    kind,
    policy,
    action: kind === 'fallback' ? 'switched' : 'redacted',
    severity: 'warning',
    fallbackFrom: kind === 'fallback' ? 'gpt-4o' : '',
    fallbackTo: kind === 'fallback' ? 'gpt-4o-mini' : '',
    fallbackReason: kind === 'fallback' ? 'timeout' : '',
  };
}

function blank(over: Partial<Span>): Span {
  return { ...newSpan('', '', '', 0, 0), ...over };
}

/** Merges aggregate records (from any number of shards) into the truth's shape, for exact comparison. */
export function mergeRecords(
  records: Iterable<
    {
      window: { startMs: number };
      key: { service: string; workflow: string; tenant: string };
    } & AggregateCounts
  >,
): Map<string, AggregateCounts> {
  const out = new Map<string, AggregateCounts>();
  for (const r of records) {
    const k = truthKey(r.window.startMs, r.key.service, r.key.workflow, r.key.tenant);
    const cur = out.get(k) ?? emptyCounts();
    const { workflows, workflowsWithFallback, workflowCost, tools, models, fallbacks, safety } = r;
    mergeCounts(cur, { workflows, workflowsWithFallback, workflowCost, tools, models, fallbacks, safety });
    out.set(k, cur);
  }
  return out;
}

/** Sorted, canonical form of merged counts so two maps compare with toEqual regardless of insertion order. */
export function canonical(m: Map<string, AggregateCounts>): Record<string, AggregateCounts> {
  const sortObj = <T>(o: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return Object.fromEntries(
    [...m.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, c]) => [
        k,
        {
          ...c,
          tools: sortObj(c.tools),
          models: sortObj(c.models),
          safety: Object.fromEntries(
            Object.entries(c.safety)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([kind, p]) => [kind, sortObj(p as Record<string, number>)]),
          ),
        },
      ]),
  );
}
