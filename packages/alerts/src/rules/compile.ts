import { formatDuration } from '../duration.ts';
import type { CompiledRule, GroupLabel, RuleWindow } from './compiled-rule.ts';
import { valueNamesOf, windowsOf } from './conditions/evaluate.ts';
import { compileMatcher } from './matcher.ts';
import type { RuleSpec } from './schema.ts';
import { type CompiledTemplate, compileTemplate } from './template.ts';

/** A problem in one rule: the field path within it and what is wrong. */
export interface RuleIssue {
  path: string;
  message: string;
}

const FINE_MS = 10_000;
const FINE_MAX_MS = 3_600_000;
const COARSE_MS = 300_000;
const MAX_LOOKBACK_MS = 8 * 86_400_000;
const RESERVED_LABELS = new Set(['alertname', 'severity']);

/**
 * Checks what the schema cannot see alone (fields that go together, windows
 * the store can sum exactly, template references) and compiles the rule.
 */
export function compileRule(spec: RuleSpec): CompiledRule | RuleIssue {
  const issue = checkKindFields(spec);
  if (issue) return issue;
  const windows = windowsOf(spec);
  for (const w of windows) {
    const bad = checkWindow(w);
    if (bad)
      return {
        path: spec.kind === 'tool_success' && spec.mode === 'burn_rate' ? 'burn_windows' : 'window',
        message: bad,
      };
  }
  const groupBy = spec.group_by as readonly GroupLabel[];
  for (const [name] of Object.entries(spec.labels)) {
    if (RESERVED_LABELS.has(name)) return { path: `labels.${name}`, message: `"${name}" is set by telltale` };
    if ((groupBy as readonly string[]).includes(name))
      return { path: `labels.${name}`, message: `"${name}" is a group_by label; it comes from the data` };
  }
  const valueNames = valueNamesOf(spec);
  const scope = {
    labels: new Set<string>(['alertname', 'severity', ...groupBy, ...Object.keys(spec.labels)]),
    values: new Set(valueNames),
  };
  const annotations: Record<string, CompiledTemplate> = {};
  for (const [name, text] of Object.entries(spec.annotations)) {
    const t = compileTemplate(text, scope);
    if ('error' in t) return { path: `annotations.${name}`, message: t.error };
    annotations[name] = t;
  }
  const m = spec.match;
  return {
    spec,
    name: spec.name,
    severity: spec.severity,
    forMs: spec.for,
    keepFiringForMs: spec.keep_firing_for,
    labels: spec.labels,
    annotations,
    match: {
      service: compileMatcher(m.services),
      workflow: compileMatcher(m.workflows),
      tenant: compileMatcher(m.tenants),
      tool: compileMatcher(m.tools),
      kind: compileMatcher(m.kinds),
      policy: compileMatcher(m.policies),
    },
    groupBy,
    windows,
    valueNames,
  };
}

function checkKindFields(spec: RuleSpec): RuleIssue | undefined {
  if (spec.kind !== 'tool_success' && spec.match.tools)
    return { path: 'match.tools', message: 'only tool_success rules match tools' };
  if (spec.kind !== 'safety_events' && spec.match.kinds)
    return { path: 'match.kinds', message: 'only safety_events rules match kinds' };
  if (spec.kind !== 'safety_events' && spec.match.policies)
    return { path: 'match.policies', message: 'only safety_events rules match policies' };
  if (spec.kind === 'tool_success') {
    if (spec.mode === 'burn_rate') {
      if (spec.objective === undefined)
        return { path: 'objective', message: 'required in burn_rate mode (e.g. 0.99 for a 1% error budget)' };
      if (spec.threshold !== undefined || spec.window !== undefined)
        return {
          path: spec.threshold !== undefined ? 'threshold' : 'window',
          message: 'belongs to mode: threshold (this rule is burn_rate)',
        };
      for (const [i, w] of (spec.burn_windows ?? []).entries())
        if (w.short >= w.long) return { path: `burn_windows.${i}.short`, message: 'must be shorter than long' };
    } else {
      if (spec.threshold === undefined) return { path: 'threshold', message: 'required in threshold mode' };
      if (spec.window === undefined) return { path: 'window', message: 'required in threshold mode' };
      if (spec.objective !== undefined) return { path: 'objective', message: 'belongs to mode: burn_rate' };
    }
  }
  if (spec.kind === 'cost_per_success' && spec.threshold_usd === undefined && spec.relative_to_day_before === undefined)
    return { path: 'threshold_usd', message: 'give threshold_usd, relative_to_day_before, or both' };
  return undefined;
}

/** Windows the store sums exactly: multiples of 10s up to 1h, of 5m beyond (and anything a day back). */
function checkWindow({ windowMs, offsetMs }: RuleWindow): string | undefined {
  const w = formatDuration(windowMs);
  if (windowMs <= 0) return 'a window must be longer than 0';
  if (windowMs + offsetMs > MAX_LOOKBACK_MS) return `${w} (plus ${formatDuration(offsetMs)} back) exceeds 8d`;
  const fine = offsetMs === 0 && windowMs <= FINE_MAX_MS && windowMs % FINE_MS === 0;
  if (!fine && windowMs % COARSE_MS !== 0)
    return offsetMs === 0
      ? `${w}: use a multiple of 10s up to 1h, or of 5m beyond`
      : `${w}: a day-over-day window must be a multiple of 5m`;
  return undefined;
}
