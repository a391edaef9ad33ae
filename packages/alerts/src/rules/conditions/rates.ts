import type { CompiledRule } from '../compiled-rule.ts';
import type { RateRuleSpec } from '../schema.ts';
import { type ConditionResult, Groups, matchesKey, ratio, type WindowedCounts } from './condition.ts';

export function rateValueNames(spec: RateRuleSpec): string[] {
  return spec.kind === 'fallback_rate'
    ? ['fallback_ratio', 'workflows', 'workflows_with_fallback', 'fallbacks', 'threshold']
    : ['handoff_ratio', 'workflows', 'handoffs', 'threshold'];
}

/**
 * fallback_rate: workflows with at least one fallback / workflows.
 * handoff_rate: workflows handed off to a human / workflows.
 * Fires above `threshold` with at least min_volume workflows in `window`.
 */
export function evaluateRate(
  rule: CompiledRule<RateRuleSpec>,
  store: WindowedCounts,
  nowMs: number,
): ConditionResult[] {
  const spec = rule.spec;
  const groups = new Groups(rule.groupBy, () => ({ workflows: 0, hits: 0, fallbacks: 0 }));
  store.scan(spec.window, 0, nowMs, (key, c) => {
    if (!matchesKey(rule, key)) return;
    const acc = groups.of(key);
    acc.workflows += c.success + c.failure + c.handoff + c.abandoned;
    acc.hits += spec.kind === 'fallback_rate' ? c.withFallback : c.handoff;
    acc.fallbacks += c.fallbacks;
  });
  const out: ConditionResult[] = [];
  for (const { labels, acc } of groups.map.values()) {
    if (acc.workflows === 0 && acc.hits === 0) continue;
    const r = ratio(acc.hits, acc.workflows);
    const values: Record<string, number> =
      spec.kind === 'fallback_rate'
        ? {
            fallback_ratio: r,
            workflows: acc.workflows,
            workflows_with_fallback: acc.hits,
            fallbacks: acc.fallbacks,
            threshold: spec.threshold,
          }
        : { handoff_ratio: r, workflows: acc.workflows, handoffs: acc.hits, threshold: spec.threshold };
    out.push({
      labels,
      active: acc.workflows > 0 && acc.workflows >= spec.min_volume && r > spec.threshold,
      value: r,
      values,
    });
  }
  return out;
}
