import type { AggregateCounts, SafetyKind } from '@telltale/conventions';

/**
 * What the store keeps of one series in one bucket: the counts the rules and
 * ratio gauges need (model details go straight to the counters and are not
 * kept per bucket). Sums only, so buckets, shards and windows merge by addition.
 */
export interface BucketCounts {
  success: number;
  failure: number;
  handoff: number;
  abandoned: number;
  /** Workflows with at least one fallback. */
  withFallback: number;
  /** All model spend of the workflows counted, in picodollars. */
  costPico: bigint;
  /** Fallback activations (events). */
  fallbacks: number;
  /** Tool name → calls and successes. */
  tools: Map<string, { calls: number; successes: number }>;
  /** `kind\u0000policy` → events. */
  safety: Map<string, number>;
}

export function emptyBucket(): BucketCounts {
  return {
    success: 0,
    failure: 0,
    handoff: 0,
    abandoned: 0,
    withFallback: 0,
    costPico: 0n,
    fallbacks: 0,
    tools: new Map(),
    safety: new Map(),
  };
}

/** Adds an aggregate's counts; `toolName` maps a tool to itself or to `__overflow__`. */
export function addAggregate(into: BucketCounts, from: AggregateCounts, toolName: (tool: string) => string): void {
  into.success += from.workflows.success;
  into.failure += from.workflows.failure;
  into.handoff += from.workflows.handoff;
  into.abandoned += from.workflows.abandoned;
  into.withFallback += from.workflowsWithFallback;
  into.costPico += BigInt(from.workflowCost.picoUsd);
  into.fallbacks += from.fallbacks;
  for (const [tool, t] of Object.entries(from.tools)) addTool(into, toolName(tool), t.calls, t.successes);
  for (const [kind, byPolicy] of Object.entries(from.safety) as [SafetyKind, Record<string, number>][])
    for (const [policy, n] of Object.entries(byPolicy)) addSafety(into, kind, policy, n);
}

export function addBucket(into: BucketCounts, from: BucketCounts): void {
  into.success += from.success;
  into.failure += from.failure;
  into.handoff += from.handoff;
  into.abandoned += from.abandoned;
  into.withFallback += from.withFallback;
  into.costPico += from.costPico;
  into.fallbacks += from.fallbacks;
  for (const [tool, t] of from.tools) addTool(into, tool, t.calls, t.successes);
  for (const [k, n] of from.safety) into.safety.set(k, (into.safety.get(k) ?? 0) + n);
}

function addTool(into: BucketCounts, tool: string, calls: number, successes: number): void {
  const cur = into.tools.get(tool);
  if (cur) {
    cur.calls += calls;
    cur.successes += successes;
  } else into.tools.set(tool, { calls, successes });
}

function addSafety(into: BucketCounts, kind: string, policy: string, n: number): void {
  const k = safetyKey(kind, policy);
  into.safety.set(k, (into.safety.get(k) ?? 0) + n);
}

export function safetyKey(kind: string, policy: string): string {
  return `${kind}\u0000${policy}`;
}

export function splitSafetyKey(key: string): { kind: string; policy: string } {
  const i = key.indexOf('\u0000');
  return { kind: key.slice(0, i), policy: key.slice(i + 1) };
}

export function workflowsOf(b: BucketCounts): number {
  return b.success + b.failure + b.handoff + b.abandoned;
}

/** JSON form for the snapshot file (bigint as a decimal string, maps as objects). */
export interface BucketCountsJson {
  w: [number, number, number, number];
  f: number;
  c: string;
  fb: number;
  t: Record<string, [number, number]>;
  s: Record<string, number>;
}

export function bucketToJson(b: BucketCounts): BucketCountsJson {
  return {
    w: [b.success, b.failure, b.handoff, b.abandoned],
    f: b.withFallback,
    c: b.costPico.toString(),
    fb: b.fallbacks,
    t: Object.fromEntries([...b.tools].map(([k, v]) => [k, [v.calls, v.successes]])),
    s: Object.fromEntries(b.safety),
  };
}

export function bucketFromJson(j: BucketCountsJson): BucketCounts {
  return {
    success: j.w[0],
    failure: j.w[1],
    handoff: j.w[2],
    abandoned: j.w[3],
    withFallback: j.f,
    costPico: BigInt(j.c),
    fallbacks: j.fb,
    tools: new Map(Object.entries(j.t).map(([k, [calls, successes]]) => [k, { calls, successes }])),
    safety: new Map(Object.entries(j.s)),
  };
}
