import { formatDuration } from '../../duration.ts';
import type { CompiledRule, RuleWindow } from '../compiled-rule.ts';
import type { ToolSuccessRuleSpec } from '../schema.ts';
import { type ConditionResult, Groups, matchesKey, ratio, type WindowedCounts } from './condition.ts';

const H = 3_600_000;
const M = 60_000;
const D = 86_400_000;

/** The SRE workbook's window sets (chapter 5, "Multiwindow, Multi-Burn-Rate Alerts"). */
export const BURN_WINDOWS = {
  /** 2% of a 30-day budget in 1h, or 5% in 6h: page. */
  page: [
    { long: H, short: 5 * M, factor: 14.4 },
    { long: 6 * H, short: 30 * M, factor: 6 },
  ],
  /** 10% of the budget in 3 days: ticket. */
  ticket: [{ long: 3 * D, short: 6 * H, factor: 1 }],
} as const;

export interface BurnWindow {
  long: number;
  short: number;
  factor: number;
}

export function burnWindowsOf(spec: ToolSuccessRuleSpec): readonly BurnWindow[] {
  return spec.burn_windows ?? BURN_WINDOWS[spec.burn];
}

/** The distinct window lengths a tool_success rule reads, longest first. */
export function toolSuccessWindows(spec: ToolSuccessRuleSpec): RuleWindow[] {
  if (spec.mode === 'threshold') return [{ windowMs: spec.window ?? 0, offsetMs: 0 }];
  const lengths = new Set<number>();
  for (const w of burnWindowsOf(spec)) {
    lengths.add(w.long);
    lengths.add(w.short);
  }
  return [...lengths].sort((a, b) => b - a).map((windowMs) => ({ windowMs, offsetMs: 0 }));
}

export function toolSuccessValueNames(spec: ToolSuccessRuleSpec): string[] {
  if (spec.mode === 'threshold') return ['success_ratio', 'calls', 'successes', 'threshold'];
  const names = ['objective', 'error_budget'];
  for (const { windowMs } of toolSuccessWindows(spec)) {
    const w = formatDuration(windowMs);
    names.push(`success_ratio_${w}`, `burn_rate_${w}`, `calls_${w}`);
  }
  return names;
}

/**
 * Tool success per group. burn_rate: burn = (1 − success ratio) / (1 −
 * objective) per window; a window pair fires when both burns exceed its
 * factor and both windows hold at least min_volume calls (so a low-traffic
 * tool pages through the longer pair only, on more evidence); $value is the
 * highest long-window burn. threshold: the success ratio
 * over `window` below `threshold` with at least min_volume calls.
 */
export function evaluateToolSuccess(
  rule: CompiledRule<ToolSuccessRuleSpec>,
  store: WindowedCounts,
  nowMs: number,
): ConditionResult[] {
  const spec = rule.spec;
  const windows = toolSuccessWindows(spec);
  const groups = new Groups(rule.groupBy, () => ({
    calls: windows.map(() => 0),
    successes: windows.map(() => 0),
  }));
  windows.forEach(({ windowMs }, i) => {
    store.scan(windowMs, 0, nowMs, (key, counts) => {
      if (!matchesKey(rule, key)) return;
      for (const [tool, t] of counts.tools) {
        if (!rule.match.tool(tool)) continue;
        const acc = groups.of({ ...key, tool });
        acc.calls[i] = (acc.calls[i] ?? 0) + t.calls;
        acc.successes[i] = (acc.successes[i] ?? 0) + t.successes;
      }
    });
  });
  const out: ConditionResult[] = [];
  for (const { labels, acc } of groups.map.values()) {
    if (spec.mode === 'threshold') {
      const calls = acc.calls[0] ?? 0;
      const successes = acc.successes[0] ?? 0;
      const r = ratio(successes, calls);
      const threshold = spec.threshold ?? 0;
      out.push({
        labels,
        active: calls >= spec.min_volume && calls > 0 && r < threshold,
        value: r,
        values: { success_ratio: r, calls, successes, threshold },
      });
      continue;
    }
    const budget = 1 - (spec.objective ?? 0);
    const values: Record<string, number> = { objective: spec.objective ?? 0, error_budget: budget };
    const burnOf = new Map<number, { burn: number; calls: number }>();
    windows.forEach(({ windowMs }, i) => {
      const calls = acc.calls[i] ?? 0;
      const r = ratio(acc.successes[i] ?? 0, calls);
      const burn = (1 - r) / budget;
      burnOf.set(windowMs, { burn, calls });
      const w = formatDuration(windowMs);
      values[`success_ratio_${w}`] = r;
      values[`burn_rate_${w}`] = burn;
      values[`calls_${w}`] = calls;
    });
    let active = false;
    let value = Number.NaN;
    for (const pair of burnWindowsOf(spec)) {
      const long = burnOf.get(pair.long);
      const short = burnOf.get(pair.short);
      if (!long || !short) continue;
      if (!Number.isNaN(long.burn) && !(long.burn <= value)) value = long.burn;
      const enough = long.calls >= spec.min_volume && short.calls >= Math.max(1, spec.min_volume);
      if (enough && long.burn > pair.factor && short.burn > pair.factor) active = true;
    }
    out.push({ labels, active, value, values });
  }
  return out;
}
