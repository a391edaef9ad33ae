import { stringify } from 'yaml';
import { formatDuration, parseDuration } from '../duration.ts';
import type { RuleSpec } from '../rules/schema.ts';
import { translateTemplate } from './annotations.ts';
import type { RecordingRule } from './rule-context.ts';
import { exportRule } from './rule-exprs.ts';

export interface PrometheusExportOptions {
  /** The rule group's name; default "telltale". */
  group?: string;
  /** The group's evaluation interval (e.g. "30s"); default Prometheus's global evaluation_interval. */
  interval?: string;
  /** The rule file exported, named in the header comment. */
  source?: string;
  /**
   * Whether the service runs with metrics.tenantLabel (workflow series carry
   * `tenant`); rules by tenant are refused without it. Default false.
   */
  tenantLabel?: boolean;
}

interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * The rule file as Prometheus recording and alerting rules over the metrics
 * the alert service serves (YAML text for `rule_files`). One group, recording
 * rules first: Prometheus evaluates a group's rules in order, so every alert
 * reads recordings of the same evaluation. Recording rules shared by several
 * alerts appear once. Accepts rule specs or loaded rules (`loadRuleFile`).
 */
export function exportPrometheusRules(
  rules: readonly (RuleSpec | { spec: RuleSpec })[],
  options: PrometheusExportOptions = {},
): string {
  if (options.interval !== undefined && !parseDuration(options.interval))
    throw new Error(`interval "${options.interval}" is not a Prometheus duration (e.g. 30s, 1m)`);
  const records = new Map<string, RecordingRule>();
  const alerts: AlertingRule[] = [];
  for (const r of rules) {
    const spec = 'spec' in r ? r.spec : r;
    const out = exportRule(spec, options.tenantLabel ?? false);
    for (const rec of out.records) {
      const key = `${rec.record}${JSON.stringify(rec.labels ?? {})}`;
      const seen = records.get(key);
      if (seen && seen.expr !== rec.expr)
        throw new Error(`rule ${spec.name}: recording rule ${rec.record} would be defined twice, differently`);
      records.set(key, rec);
    }
    const alert: AlertingRule = { alert: spec.name, expr: out.expr };
    if (spec.for > 0) alert.for = formatDuration(spec.for);
    if (spec.keep_firing_for > 0) alert.keep_firing_for = formatDuration(spec.keep_firing_for);
    alert.labels = { severity: spec.severity, ...spec.labels };
    alert.annotations = Object.fromEntries(
      Object.entries(spec.annotations).map(([name, text]) => [
        name,
        translateTemplate(text, out.values, spec.group_by, `rule ${spec.name}, annotations.${name}`),
      ]),
    );
    alerts.push(alert);
  }
  const group: Record<string, unknown> = { name: options.group ?? 'telltale' };
  if (options.interval !== undefined) group.interval = options.interval;
  group.rules = [...records.values(), ...alerts];
  const header = [
    `# Prometheus rules exported by \`telltale-alerts export-rules\`${options.source ? ` from ${options.source}` : ''}.`,
    '# Generated: edit the telltale rule file and export again instead of editing this.',
    '# They read the metrics the alert service serves on /metrics (telltale_*).',
  ].join('\n');
  return `${header}\n${stringify({ groups: [group] }, { lineWidth: 0, blockQuote: 'literal' })}`;
}
