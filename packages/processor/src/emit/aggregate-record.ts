import { AGGREGATE_SCHEMA_V1, type AggregateRecord, aggregateId } from '@telltale/conventions';
import type { Window } from '../windows/window.ts';

/** The records a closed window emits: one per key, with ids deterministic over (shard, window, key). */
export function windowRecords(shard: string, window: Window): AggregateRecord[] {
  const { startMs, endMs } = window;
  const out: AggregateRecord[] = [];
  for (const acc of window.accumulators()) {
    const w = acc.workflows;
    const cost = acc.workflowCost;
    // One literal in schema order: the key order is the JSON text consumers see.
    out.push({
      schema: AGGREGATE_SCHEMA_V1,
      id: aggregateId(shard, startMs, endMs, acc.key),
      shard,
      window: { startMs, endMs },
      key: acc.key,
      workflows: { success: w.success, failure: w.failure, handoff: w.handoff, abandoned: w.abandoned },
      workflowsWithFallback: acc.workflowsWithFallback,
      workflowCost: { picoUsd: cost.pico.toString(), pricedCalls: cost.pricedCalls, unpricedCalls: cost.unpricedCalls },
      tools: acc.toolCounts(),
      models: acc.modelCounts(),
      fallbacks: acc.fallbacks,
      safety: acc.safetyCounts(),
    });
  }
  return out;
}
