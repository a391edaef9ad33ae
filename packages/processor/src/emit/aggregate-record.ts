import {
  AGGREGATE_SCHEMA_V1,
  type AggregateKey,
  type AggregateRecord,
  windowAggregateIds,
} from '@telltale/conventions';
import type { Window } from '../windows/window.ts';

/** The records a closed window emits: one per key, with ids deterministic over (shard, window, key). */
export function windowRecords(shard: string, window: Window): AggregateRecord[] {
  const idOf = windowAggregateIds(shard, window.startMs, window.endMs);
  const out: AggregateRecord[] = [];
  const keys = window.keys();
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as AggregateKey;
    const c = window.counts.toCounts(k);
    out.push({
      schema: AGGREGATE_SCHEMA_V1,
      id: idOf(key),
      shard,
      window: { startMs: window.startMs, endMs: window.endMs },
      key,
      workflows: c.workflows,
      workflowsWithFallback: c.workflowsWithFallback,
      workflowCost: c.workflowCost,
      tools: c.tools,
      models: c.models,
      fallbacks: c.fallbacks,
      safety: c.safety,
    });
  }
  return out;
}
