import type { AggregateRecord, Cost, ModelStats } from './aggregate.ts';
import { addPico } from './cost.ts';

/**
 * The additive part of an aggregate: what merging sums. Partial aggregates of
 * the same window and key from several shards merge into one of these.
 */
export type AggregateCounts = Omit<AggregateRecord, 'schema' | 'id' | 'shard' | 'window' | 'key'>;

export function emptyCounts(): AggregateCounts {
  return {
    workflows: { success: 0, failure: 0, handoff: 0, abandoned: 0 },
    workflowsWithFallback: 0,
    workflowCost: emptyCost(),
    tools: {},
    models: {},
    fallbacks: 0,
    safety: {},
  };
}

export function emptyCost(): Cost {
  return { picoUsd: '0', pricedCalls: 0, unpricedCalls: 0 };
}

/** Adds `from` into `into`, in place, and returns `into`. */
export function mergeCounts(into: AggregateCounts, from: AggregateCounts): AggregateCounts {
  into.workflows.success += from.workflows.success;
  into.workflows.failure += from.workflows.failure;
  into.workflows.handoff += from.workflows.handoff;
  into.workflows.abandoned += from.workflows.abandoned;
  into.workflowsWithFallback += from.workflowsWithFallback;
  mergeCost(into.workflowCost, from.workflowCost);
  // Own entries only: a tool or policy named like an Object.prototype member (constructor, toString) is a name.
  for (const [name, t] of Object.entries(from.tools)) {
    const cur = Object.hasOwn(into.tools, name) ? into.tools[name] : undefined;
    if (cur) {
      cur.calls += t.calls;
      cur.successes += t.successes;
    } else into.tools[name] = { ...t };
  }
  for (const [key, m] of Object.entries(from.models)) {
    const cur = Object.hasOwn(into.models, key) ? into.models[key] : undefined;
    if (cur) mergeModel(cur, m);
    else into.models[key] = { ...m, tokens: { ...m.tokens }, cost: { ...m.cost } };
  }
  into.fallbacks += from.fallbacks;
  for (const [kind, byPolicy] of Object.entries(from.safety) as [
    keyof AggregateCounts['safety'],
    Record<string, number>,
  ][]) {
    const cur = into.safety[kind] ?? {};
    into.safety[kind] = cur;
    for (const [policy, n] of Object.entries(byPolicy))
      cur[policy] = (Object.hasOwn(cur, policy) ? (cur[policy] ?? 0) : 0) + n;
  }
  return into;
}

function mergeCost(into: Cost, from: Cost): void {
  into.picoUsd = addPico(into.picoUsd, from.picoUsd);
  into.pricedCalls += from.pricedCalls;
  into.unpricedCalls += from.unpricedCalls;
}

function mergeModel(into: ModelStats, from: ModelStats): void {
  into.calls += from.calls;
  into.errors += from.errors;
  into.tokens.input += from.tokens.input;
  into.tokens.output += from.tokens.output;
  into.tokens.cacheRead += from.tokens.cacheRead;
  into.tokens.reasoning += from.tokens.reasoning;
  mergeCost(into.cost, from.cost);
}
