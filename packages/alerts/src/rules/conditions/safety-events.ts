import { splitSafetyKey } from '../../store/bucket-counts.ts';
import type { CompiledRule } from '../compiled-rule.ts';
import type { SafetyEventsRuleSpec } from '../schema.ts';
import { type ConditionResult, Groups, matchesKey, type WindowedCounts } from './condition.ts';

export const SAFETY_VALUE_NAMES = ['events', 'threshold'];

/**
 * Safety events matching the kinds and policies, counted per group over
 * `window`; fires above `threshold` (and at least min_volume events).
 */
export function evaluateSafetyEvents(
  rule: CompiledRule<SafetyEventsRuleSpec>,
  store: WindowedCounts,
  nowMs: number,
): ConditionResult[] {
  const spec = rule.spec;
  const groups = new Groups(rule.groupBy, () => ({ events: 0 }));
  store.scan(spec.window, 0, nowMs, (key, c) => {
    if (!matchesKey(rule, key)) return;
    for (const [k, n] of c.safety) {
      const { kind, policy } = splitSafetyKey(k);
      if (!rule.match.kind(kind) || !rule.match.policy(policy)) continue;
      groups.of({ ...key, kind, policy }).events += n;
    }
  });
  return [...groups.map.values()].map(({ labels, acc }) => ({
    labels,
    active: acc.events > spec.threshold && acc.events >= spec.min_volume,
    value: acc.events,
    values: { events: acc.events, threshold: spec.threshold },
  }));
}
