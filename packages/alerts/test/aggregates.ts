import {
  AGGREGATE_SCHEMA_V1,
  type AggregateCounts,
  type AggregateKey,
  type AggregateRecord,
  aggregateId,
  emptyCounts,
  usdToPico,
} from '@telltale/conventions';

/** Synthetic aggregates for tests: one shard's 10 s window of one key, with the counts given. */
export interface AggregateSpec {
  shard?: string;
  /** Window start; the scenario fills in the current window when omitted. */
  startMs?: number;
  sizeMs?: number;
  key?: Partial<AggregateKey>;
  tools?: Record<string, { calls: number; successes: number }>;
  workflows?: Partial<AggregateCounts['workflows']>;
  withFallback?: number;
  costUsd?: number;
  fallbacks?: number;
  safety?: AggregateCounts['safety'];
  models?: AggregateCounts['models'];
}

export function aggregate(spec: AggregateSpec): AggregateRecord {
  const shard = spec.shard ?? 'otlp_spans/0';
  const key: AggregateKey = { service: 'support', workflow: 'refund', tenant: '', ...spec.key };
  const startMs = spec.startMs ?? 0;
  const endMs = startMs + (spec.sizeMs ?? 10_000);
  const counts = emptyCounts();
  return {
    schema: AGGREGATE_SCHEMA_V1,
    id: aggregateId(shard, startMs, endMs, key),
    shard,
    window: { startMs, endMs },
    key,
    ...counts,
    workflows: { ...counts.workflows, ...spec.workflows },
    workflowsWithFallback: spec.withFallback ?? 0,
    workflowCost: {
      picoUsd: usdToPico(spec.costUsd ?? 0).toString(),
      pricedCalls: spec.costUsd ? 1 : 0,
      unpricedCalls: 0,
    },
    tools: spec.tools ?? {},
    models: spec.models ?? {},
    fallbacks: spec.fallbacks ?? 0,
    safety: spec.safety ?? {},
  };
}

/** The minute of 10 s windows ending at `endMs`: `ratio` of 100 search calls succeed in each. */
export function searchMinute(endMs: number, ratio: number): AggregateRecord[] {
  return Array.from({ length: 6 }, (_, i) =>
    aggregate({
      startMs: endMs - 60_000 + i * 10_000,
      tools: { search: { calls: 100, successes: Math.round(100 * ratio) } },
    }),
  );
}
