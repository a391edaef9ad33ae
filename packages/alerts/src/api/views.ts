import { formatDuration } from '../duration.ts';
import type { RuleStatus } from '../engine/alert-engine.ts';
import type { AlertInstance } from '../engine/alert-instance.ts';

/** An alert as the API shows it: state, labels, the numbers, times in ISO 8601. */
export function alertView(a: AlertInstance, generatorUrl: (key: string) => string) {
  return {
    rule: a.rule,
    dedupKey: a.dedupKey,
    state: a.state,
    severity: a.severity,
    labels: a.labels,
    annotations: a.annotations,
    activeAt: new Date(a.activeAt).toISOString(),
    firingAt: a.firingAt === null ? null : new Date(a.firingAt).toISOString(),
    lastActiveAt: new Date(a.lastActiveAt).toISOString(),
    paged: a.paged,
    silencedBy: a.silencedBy,
    value: finite(a.value),
    values: Object.fromEntries(Object.entries(a.values).map(([k, v]) => [k, finite(v)])),
    generatorURL: generatorUrl(a.dedupKey),
  };
}

/** A rule and its state: its definition as loaded, its health, and its alerts. */
export function ruleView(s: RuleStatus, alerts: AlertInstance[]) {
  const r = s.rule;
  const mine = alerts.filter((a) => a.rule === r.name);
  return {
    name: r.name,
    kind: r.spec.kind,
    severity: r.severity,
    for: formatDuration(r.forMs),
    keepFiringFor: formatDuration(r.keepFiringForMs),
    windows: r.windows.map((w) => ({
      window: formatDuration(w.windowMs),
      ...(w.offsetMs ? { offset: formatDuration(w.offsetMs) } : {}),
    })),
    groupBy: r.groupBy,
    spec: r.spec,
    health: s.health,
    lastError: s.lastError,
    lastEvaluatedAt: s.lastEvaluatedAt === null ? null : new Date(s.lastEvaluatedAt).toISOString(),
    groups: s.groups,
    activeGroups: s.activeGroups,
    state: mine.some((a) => a.state === 'firing') ? 'firing' : mine.length > 0 ? 'pending' : 'inactive',
    alerts: mine.map((a) => ({ dedupKey: a.dedupKey, state: a.state, labels: a.groupLabels })),
  };
}

/** JSON has no NaN or Infinity: the API says "NaN", "+Inf", "-Inf" as Prometheus does. */
function finite(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}
