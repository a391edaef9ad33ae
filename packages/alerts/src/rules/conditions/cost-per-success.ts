import { picoToUsd } from '@telltale/conventions';
import type { CompiledRule, RuleWindow } from '../compiled-rule.ts';
import type { CostPerSuccessRuleSpec } from '../schema.ts';
import { type ConditionResult, Groups, matchesKey, type WindowedCounts } from './condition.ts';

const DAY_MS = 86_400_000;

export function costWindows(spec: CostPerSuccessRuleSpec): RuleWindow[] {
  const now = { windowMs: spec.window, offsetMs: 0 };
  return spec.relative_to_day_before === undefined ? [now] : [now, { windowMs: spec.window, offsetMs: DAY_MS }];
}

export function costValueNames(spec: CostPerSuccessRuleSpec): string[] {
  const names = ['cost_per_success_usd', 'cost_usd', 'successes', 'workflows'];
  if (spec.threshold_usd !== undefined) names.push('threshold_usd');
  if (spec.relative_to_day_before !== undefined)
    names.push('cost_per_success_usd_day_before', 'workflows_day_before', 'increase', 'relative_to_day_before');
  return names;
}

interface Acc {
  costPico: bigint;
  successes: number;
  workflows: number;
}

/**
 * Cost per successful outcome: ALL model spend of the workflows in the window
 * (failed ones too: wasted spend counts) / workflows that succeeded. Spend
 * with no success is +Inf per success, which is above any threshold. The
 * volume guard counts workflows, so a burst of failures still alerts.
 */
export function evaluateCostPerSuccess(
  rule: CompiledRule<CostPerSuccessRuleSpec>,
  store: WindowedCounts,
  nowMs: number,
): ConditionResult[] {
  const spec = rule.spec;
  const make = (): Acc => ({ costPico: 0n, successes: 0, workflows: 0 });
  const current = new Groups(rule.groupBy, make);
  const before = new Groups(rule.groupBy, make);
  for (const [groups, offsetMs] of [
    [current, 0],
    ...(spec.relative_to_day_before === undefined ? [] : [[before, DAY_MS] as const]),
  ] as const) {
    store.scan(spec.window, offsetMs, nowMs, (key, c) => {
      if (!matchesKey(rule, key)) return;
      const acc = groups.of(key);
      acc.costPico += c.costPico;
      acc.successes += c.success;
      acc.workflows += c.success + c.failure + c.handoff + c.abandoned;
    });
  }
  const out: ConditionResult[] = [];
  for (const [k, { labels, acc }] of current.map) {
    const cps = perSuccess(acc);
    const values: Record<string, number> = {
      cost_per_success_usd: cps,
      cost_usd: picoToUsd(acc.costPico),
      successes: acc.successes,
      workflows: acc.workflows,
    };
    const enough = acc.workflows > 0 && acc.workflows >= spec.min_volume;
    let active = false;
    if (spec.threshold_usd !== undefined) {
      values.threshold_usd = spec.threshold_usd;
      if (enough && cps > spec.threshold_usd) active = true;
    }
    if (spec.relative_to_day_before !== undefined) {
      const prev = before.map.get(k)?.acc ?? make();
      const prevCps = perSuccess(prev);
      const increase = cps / prevCps;
      values.cost_per_success_usd_day_before = prevCps;
      values.workflows_day_before = prev.workflows;
      values.increase = increase;
      values.relative_to_day_before = spec.relative_to_day_before;
      // A day earlier must itself be a judgeable baseline: enough volume and a finite, non-zero cost.
      const baseline = prev.workflows >= Math.max(1, spec.min_volume) && Number.isFinite(prevCps) && prevCps > 0;
      if (enough && baseline && increase > spec.relative_to_day_before) active = true;
    }
    out.push({ labels, active, value: cps, values });
  }
  return out;
}

function perSuccess(acc: Acc): number {
  const usd = picoToUsd(acc.costPico);
  if (acc.successes === 0) return usd > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  return usd / acc.successes;
}
