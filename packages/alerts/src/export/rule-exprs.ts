import { formatDuration } from '../duration.ts';
import { burnWindowsOf, toolSuccessWindows } from '../rules/conditions/tool-success.ts';
import type {
  CostPerSuccessRuleSpec,
  RateRuleSpec,
  RuleSpec,
  SafetyEventsRuleSpec,
  ToolSuccessRuleSpec,
} from '../rules/schema.ts';
import { METRICS } from './metric-names.ts';
import { num, on } from './promql.ts';
import { type RecordingRule, RuleContext, type RuleExport, type ValueExpr } from './rule-context.ts';

const DAY = '1d';

/** Exact decimals for constants like 1 − 0.99 (not 0.010000000000000009). */
const clean = (n: number): number => Number(n.toPrecision(12));

/** A numerator/denominator pair of rates, as one recorded ratio. */
const ratioExpr = (numerator: string, denominator: string): string => `${numerator}\n/\n${denominator}`;

/** The volume guard: at least `min` (or, with no minimum, any) volume in the window, as the engine requires. */
const guard = (ctx: RuleContext, volume: string, min: number): string =>
  `\nand${on(ctx.groupBy)} ${ctx.recorded(volume)} ${min > 0 ? `>= ${num(min)}` : '> 0'}`;

/** Recorded series that carry the rule's own label are summed away, so alert labels are the engine's. */
const finish = (ctx: RuleContext, expr: string): string =>
  ctx.recordLabels ? `max by (${ctx.groupBy.join(', ')}) (\n${indent(expr)}\n)` : expr;

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

const recordedValue = (ctx: RuleContext, record: string): ValueExpr => ({ promql: ctx.recorded(record, true) });

function toolSuccess(ctx: RuleContext, spec: ToolSuccessRuleSpec): RuleExport {
  const records: RecordingRule[] = [];
  const errors = (w: number) => ctx.recordName('telltale_tool_call_errors', 'ratio_rate', w);
  const calls = (w: number) => ctx.recordName('telltale_tool_calls', 'increase', w);
  for (const { windowMs: w } of toolSuccessWindows(spec)) {
    records.push(
      ctx.recording(
        errors(w),
        ratioExpr(ctx.rate(METRICS.toolCalls, ['outcome="error"'], w), ctx.rate(METRICS.toolCalls, [], w)),
      ),
      ctx.recording(calls(w), ctx.increase(METRICS.toolCalls, [], w)),
    );
  }
  const values: Record<string, ValueExpr> = {};
  if (spec.mode === 'threshold') {
    const w = spec.window ?? 0;
    const threshold = spec.threshold ?? 0;
    values.success_ratio = { promql: `1 - ${ctx.recorded(errors(w), true)}` };
    values.calls = recordedValue(ctx, calls(w));
    values.successes = { promql: ctx.increase(METRICS.toolCalls, ['outcome="success"'], w, true) };
    values.threshold = { constant: threshold };
    const expr = `(1 - ${ctx.recorded(errors(w))}) < ${num(threshold)}${guard(ctx, calls(w), spec.min_volume)}`;
    return { records, expr: finish(ctx, expr), values };
  }
  const objective = spec.objective ?? 0;
  const budget = clean(1 - objective);
  values.objective = { constant: objective };
  values.error_budget = { constant: budget };
  for (const { windowMs: w } of toolSuccessWindows(spec)) {
    const name = formatDuration(w);
    values[`success_ratio_${name}`] = { promql: `1 - ${ctx.recorded(errors(w), true)}` };
    values[`burn_rate_${name}`] = { promql: `${ctx.recorded(errors(w), true)} / ${num(budget)}` };
    values[`calls_${name}`] = recordedValue(ctx, calls(w));
  }
  // Each window pair pages when both burn rates exceed its factor; $value is the long window's burn rate.
  const branches = burnWindowsOf(spec).map(({ long, short, factor }) => {
    const burn = (w: number) => `${ctx.recorded(errors(w))} / ${num(budget)} > ${num(factor)}`;
    const both = `${burn(long)}\nand${on(ctx.groupBy)} ${burn(short)}`;
    // Both windows of a pair must hold the volume, as the engine requires: a few failing calls in the short
    // window must not page on the long window's volume.
    const volume = `${guard(ctx, calls(long), spec.min_volume)}${guard(ctx, calls(short), spec.min_volume)}`;
    return `(\n${indent(`${both}${volume}`)}\n)`;
  });
  return { records, expr: finish(ctx, branches.join(`\nor${on(ctx.groupBy)}\n`)), values };
}

function rate(ctx: RuleContext, spec: RateRuleSpec): RuleExport {
  const w = spec.window;
  const fallback = spec.kind === 'fallback_rate';
  const ratioName = ctx.recordName(
    fallback ? 'telltale_workflows_with_fallback' : 'telltale_workflow_handoffs',
    'ratio_rate',
    w,
  );
  const runs = ctx.recordName('telltale_workflow_runs', 'increase', w);
  const numerator = fallback
    ? ctx.rate(METRICS.workflowsWithFallback, [], w)
    : ctx.rate(METRICS.workflowRuns, ['outcome="handoff"'], w);
  const records = [
    ctx.recording(ratioName, ratioExpr(numerator, ctx.rate(METRICS.workflowRuns, [], w))),
    ctx.recording(runs, ctx.increase(METRICS.workflowRuns, [], w)),
  ];
  const values: Record<string, ValueExpr> = fallback
    ? {
        fallback_ratio: recordedValue(ctx, ratioName),
        workflows: recordedValue(ctx, runs),
        workflows_with_fallback: { promql: ctx.increase(METRICS.workflowsWithFallback, [], w, true) },
        fallbacks: { promql: ctx.increase(METRICS.fallbacks, [], w, true) },
        threshold: { constant: spec.threshold },
      }
    : {
        handoff_ratio: recordedValue(ctx, ratioName),
        workflows: recordedValue(ctx, runs),
        handoffs: { promql: ctx.increase(METRICS.workflowRuns, ['outcome="handoff"'], w, true) },
        threshold: { constant: spec.threshold },
      };
  const expr = `${ctx.recorded(ratioName)} > ${num(spec.threshold)}${guard(ctx, runs, spec.min_volume)}`;
  return { records, expr: finish(ctx, expr), values };
}

function costPerSuccess(ctx: RuleContext, spec: CostPerSuccessRuleSpec): RuleExport {
  const w = spec.window;
  const cps = ctx.recordName('telltale_workflow_cost_usd_per_success', 'ratio_increase', w);
  const runs = ctx.recordName('telltale_workflow_runs', 'increase', w);
  // All spend over successes: spend with no success is +Inf, no spend and no success NaN — as in the engine.
  const records = [
    ctx.recording(
      cps,
      ratioExpr(
        ctx.increase(METRICS.workflowCostUsd, [], w),
        ctx.increase(METRICS.workflowRuns, ['outcome="success"'], w),
      ),
    ),
    ctx.recording(runs, ctx.increase(METRICS.workflowRuns, [], w)),
  ];
  const values: Record<string, ValueExpr> = {
    cost_per_success_usd: recordedValue(ctx, cps),
    cost_usd: { promql: ctx.increase(METRICS.workflowCostUsd, [], w, true) },
    successes: { promql: ctx.increase(METRICS.workflowRuns, ['outcome="success"'], w, true) },
    workflows: recordedValue(ctx, runs),
  };
  const by = on(ctx.groupBy);
  const branches: string[] = [];
  if (spec.threshold_usd !== undefined) {
    values.threshold_usd = { constant: spec.threshold_usd };
    branches.push(`${ctx.recorded(cps)} > ${num(spec.threshold_usd)}${guard(ctx, runs, spec.min_volume)}`);
  }
  if (spec.relative_to_day_before !== undefined) {
    const r = spec.relative_to_day_before;
    const before = `${ctx.recorded(cps)} offset ${DAY}`;
    values.cost_per_success_usd_day_before = { promql: `${ctx.recorded(cps, true)} offset ${DAY}` };
    values.workflows_day_before = { promql: `${ctx.recorded(runs, true)} offset ${DAY}` };
    values.increase = { promql: `${ctx.recorded(cps, true)} / ${ctx.recorded(cps, true)} offset ${DAY}` };
    values.relative_to_day_before = { constant: r };
    // A day earlier must be a judgeable baseline: enough volume, and a finite, non-zero cost per success.
    branches.push(
      [
        ctx.recorded(cps),
        `and${by} (${ctx.recorded(cps)} / ${before} > ${num(r)})`,
        `and${by} (${ctx.recorded(runs)} offset ${DAY} >= ${num(Math.max(1, spec.min_volume))})`,
        `and${by} (${before} > 0 < +Inf)`,
      ].join('\n') + guard(ctx, runs, spec.min_volume),
    );
  }
  const expr =
    branches.length === 1 ? (branches[0] ?? '') : branches.map((b) => `(\n${indent(b)}\n)`).join(`\nor${by}\n`);
  return { records, expr: finish(ctx, expr), values };
}

function safetyEvents(ctx: RuleContext, spec: SafetyEventsRuleSpec): RuleExport {
  const events = ctx.recordName('telltale_safety_events', 'increase', spec.window);
  const records = [ctx.recording(events, ctx.increase(METRICS.safetyEvents, [], spec.window))];
  let expr = `${ctx.recorded(events)} > ${num(spec.threshold)}`;
  if (spec.min_volume > 0) expr += `\nand${on(ctx.groupBy)} ${ctx.recorded(events)} >= ${num(spec.min_volume)}`;
  return {
    records,
    expr: finish(ctx, expr),
    values: { events: recordedValue(ctx, events), threshold: { constant: spec.threshold } },
  };
}

/**
 * A rule that groups or matches by tenant reads a `tenant` label: the tool
 * series never have one, the workflow series only with metrics.tenantLabel.
 * Exporting it anyway would silently judge every tenant as one.
 */
function checkTenant(spec: RuleSpec, tenantLabel: boolean): void {
  const usesTenant = (spec.group_by as readonly string[]).includes('tenant') || spec.match.tenants !== undefined;
  if (!usesTenant) return;
  if (spec.kind === 'tool_success')
    throw new Error(
      `rule ${spec.name}: cannot export a tool_success rule by tenant: ${METRICS.toolCalls} has no tenant label`,
    );
  if (!tenantLabel)
    throw new Error(
      `rule ${spec.name}: groups or matches by tenant, but the metrics carry a tenant label only with ` +
        'metrics.tenantLabel: true (then export with the tenantLabel option)',
    );
}

/** One rule as Prometheus recording rules, an alert expression, and the PromQL of each of its numbers. */
export function exportRule(spec: RuleSpec, tenantLabel = false): RuleExport {
  checkTenant(spec, tenantLabel);
  const ctx = new RuleContext(spec);
  switch (spec.kind) {
    case 'tool_success':
      return toolSuccess(ctx, spec);
    case 'fallback_rate':
    case 'handoff_rate':
      return rate(ctx, spec);
    case 'cost_per_success':
      return costPerSuccess(ctx, spec);
    case 'safety_events':
      return safetyEvents(ctx, spec);
  }
}
