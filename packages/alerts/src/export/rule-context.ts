import { formatDuration } from '../duration.ts';
import type { RuleSpec } from '../rules/schema.ts';
import { RULE_LABEL } from './metric-names.ts';
import { labelMatcher, level, quote, selector, sumBy } from './promql.ts';

/** A Prometheus recording rule. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/**
 * A number behind an alert ($values.<name>): a constant of the rule, or a
 * PromQL expression of the group's label values, which it takes as `%[i]s`
 * placeholders (i = position in group_by) so an annotation can query it.
 */
export type ValueExpr = { constant: number } | { promql: string };

/** What one rule exports: the recording rules it reads, its alert expression, and its numbers. */
export interface RuleExport {
  records: RecordingRule[];
  expr: string;
  values: Record<string, ValueExpr>;
}

/**
 * Names and selectors shared by the per-kind exporters for one rule: the
 * recording-rule level from group_by, the rule's matchers, and whether its
 * recorded series are its own (it has matchers) or shared.
 */
export class RuleContext {
  readonly spec: RuleSpec;
  readonly groupBy: readonly string[];
  readonly level: string;
  /** Matchers of the rule's match lists on the raw series (service, workflow, tenant, tool, kind, policy). */
  readonly matchers: readonly string[];
  /** Labels its recording rules carry: the rule's own when it has matchers. */
  readonly recordLabels: Record<string, string> | undefined;

  constructor(spec: RuleSpec) {
    this.spec = spec;
    this.groupBy = spec.group_by;
    this.level = level(spec.group_by);
    const m = spec.match;
    this.matchers = [
      labelMatcher('service', m.services),
      labelMatcher('workflow', m.workflows),
      labelMatcher('tenant', m.tenants),
      labelMatcher('tool', m.tools),
      labelMatcher('kind', m.kinds),
      labelMatcher('policy', m.policies),
    ].filter((x): x is string => x !== undefined);
    this.recordLabels = this.matchers.length > 0 ? { [RULE_LABEL]: spec.name } : undefined;
  }

  /** `level:metric:operation` plus the window, e.g. service_tool:telltale_tool_call_errors:ratio_rate5m. */
  recordName(metric: string, operation: string, windowMs: number): string {
    return `${this.level}:${metric}:${operation}${formatDuration(windowMs)}`;
  }

  recording(record: string, expr: string): RecordingRule {
    return this.recordLabels ? { record, expr, labels: this.recordLabels } : { record, expr };
  }

  /** A recorded series as the alert reads it: only this rule's (or only the shared) series. */
  recorded(record: string, groupValues = false): string {
    const own = `${RULE_LABEL}=${quote(this.recordLabels ? this.spec.name : '')}`;
    return selector(record, [own, ...(groupValues ? this.groupMatchers() : [])]);
  }

  /** `sum by (group) (increase(metric{matchers, extra}[w]))`, optionally pinned to one group's values. */
  increase(metric: string, extra: readonly string[], windowMs: number, groupValues = false): string {
    const sel = selector(metric, [...this.matchers, ...extra, ...(groupValues ? this.groupMatchers() : [])]);
    return sumBy(this.groupBy, `increase(${sel}[${formatDuration(windowMs)}])`);
  }

  /** `sum by (group) (rate(metric{matchers, extra}[w]))`. */
  rate(metric: string, extra: readonly string[], windowMs: number): string {
    const sel = selector(metric, [...this.matchers, ...extra]);
    return sumBy(this.groupBy, `rate(${sel}[${formatDuration(windowMs)}])`);
  }

  /** `service="%[1]s", tool="%[2]s"`: one group's label values, filled in by an annotation's printf. */
  groupMatchers(): string[] {
    return this.groupBy.map((l, i) => `${l}="%[${i + 1}]s"`);
  }
}
