import type { WebhookAlert } from './webhook-payload.ts';

/** The labels that say where the problem is, in the order a reader wants them. */
const WHERE = ['service', 'workflow', 'tool', 'model', 'tenant', 'kind', 'policy'];
/** Labels every alert has or that add nothing to one line. */
const SKIP = new Set(['alertname', 'severity', ...WHERE]);

/**
 * One line per alert state change, e.g.
 * `PAGE     [critical] ToolSuccessBurnRate service=support-assistant tool=search_kb — search_kb fails 40% of calls`
 * `RESOLVED [critical] ToolSuccessBurnRate service=support-assistant tool=search_kb (firing 3m12s)`
 */
export function pagerLine(alert: WebhookAlert, now: Date = new Date()): string {
  const firing = alert.status === 'firing';
  const head = firing ? 'PAGE    ' : 'RESOLVED';
  const severity = alert.labels.severity ?? 'none';
  const name = alert.labels.alertname ?? '(no alertname)';
  const where = [
    ...WHERE.filter((k) => alert.labels[k] !== undefined && alert.labels[k] !== ''),
    ...Object.keys(alert.labels)
      .filter((k) => !SKIP.has(k))
      .sort(),
  ].map((k) => `${k}=${alert.labels[k]}`);
  const parts = [`${head} [${severity}] ${name}`, ...where];
  if (firing) {
    const summary = alert.annotations.summary ?? alert.annotations.description;
    if (summary) parts.push(`— ${summary}`);
  } else {
    const took = firingFor(alert, now);
    if (took) parts.push(`(firing ${took})`);
  }
  return parts.join(' ');
}

function firingFor(alert: WebhookAlert, now: Date): string | undefined {
  const start = Date.parse(alert.startsAt);
  const end = alert.endsAt ? Date.parse(alert.endsAt) : now.getTime();
  // Alertmanager sends the zero time 0001-01-01 for "no end"; negative spans mean no usable time.
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start || start < 0) return undefined;
  const s = Math.round((end - start) / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
