import { z } from 'zod';
import { durationSchema } from '../duration.ts';
import { matchItemSchema } from './matcher.ts';

/**
 * The rule file, as YAML: `rules:` is a list of rules, each one of five
 * kinds. Field names follow Prometheus alerting rules where they mean the same
 * (`for`, `keep_firing_for`, `labels`, `annotations`). Unknown fields are
 * errors, so a typo refuses to start rather than silently doing nothing.
 */

const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

const matchList = z.array(matchItemSchema).min(1);

/** Which data a rule looks at; each list is exact strings or `{ regex }`; an absent list matches all. */
const matchSchema = z
  .strictObject({
    services: matchList.optional(),
    workflows: matchList.optional(),
    tenants: matchList.optional(),
    tools: matchList.optional(),
    /** safety_events only: safety kinds (policy_triggered, blocked, fallback, escalated). */
    kinds: matchList.optional(),
    /** safety_events only: policy names. */
    policies: matchList.optional(),
  })
  .prefault({});

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name');

const common = {
  /** The alert name (labels.alertname); unique in the file. */
  name: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'letters, digits and _ (it is the alertname label)')
    .max(128),
  severity: z.enum(SEVERITIES),
  /** Minimum volume (tool calls, workflows, successes) in the window for the rule to judge at all. */
  min_volume: z.number().int().nonnegative(),
  /** How long the condition must hold before the alert fires (pending until then). */
  for: durationSchema.default(0),
  /** How long the alert keeps firing after the condition stops holding, so a flapping series pages once. */
  keep_firing_for: durationSchema.default(0),
  labels: z.record(labelName, z.string()).default({}),
  annotations: z.record(labelName, z.string()).default({}),
  match: matchSchema,
};

/** The windows the store sums; a rule window is one of these or a multiple of its bucket (10s up to 1h, 5m beyond). */
const windowSchema = durationSchema;

const burnWindowSchema = z.strictObject({
  long: windowSchema,
  short: windowSchema,
  /** Burn rate (error ratio / error budget) both windows must exceed. */
  factor: z.number().positive(),
});

export const toolSuccessRuleSchema = z.strictObject({
  kind: z.literal('tool_success'),
  ...common,
  min_volume: common.min_volume.default(20),
  /** burn_rate (default): multiwindow multi-burn-rate against `objective`; threshold: ratio below `threshold` over `window`. */
  mode: z.enum(['burn_rate', 'threshold']).default('burn_rate'),
  /** SLO objective for the success ratio, e.g. 0.99 (error budget 1%). burn_rate mode. */
  objective: z.number().gt(0).lt(1).optional(),
  /**
   * Which SRE-workbook window set: `page` = 1h&5m > 14.4× or 6h&30m > 6×;
   * `ticket` = 3d&6h > 1×. Or give `burn_windows` yourself.
   */
  burn: z.enum(['page', 'ticket']).default('page'),
  burn_windows: z.array(burnWindowSchema).min(1).optional(),
  /** threshold mode: fire when the success ratio over `window` is below this. */
  threshold: z.number().min(0).max(1).optional(),
  window: windowSchema.optional(),
  group_by: z.array(z.enum(['service', 'workflow', 'tenant', 'tool'])).default(['tool']),
});

const rateRule = <K extends string>(kind: K) =>
  z.strictObject({
    kind: z.literal(kind),
    ...common,
    min_volume: common.min_volume.default(20),
    /** Fire when the ratio over `window` is above this. */
    threshold: z.number().min(0).max(1),
    window: windowSchema,
    group_by: z.array(z.enum(['service', 'workflow', 'tenant'])).default(['service', 'workflow']),
  });

/** Workflows with at least one fallback / workflows. */
export const fallbackRateRuleSchema = rateRule('fallback_rate');
/** Workflows handed off to a human / workflows. */
export const handoffRateRuleSchema = rateRule('handoff_rate');

export const costPerSuccessRuleSchema = z.strictObject({
  kind: z.literal('cost_per_success'),
  ...common,
  /** Minimum successful workflows in the window (and in the day-earlier window, for a relative rule). */
  min_volume: common.min_volume.default(10),
  window: windowSchema,
  /** Fire when cost per successful workflow (all spend, failed workflows too) is above this many USD. */
  threshold_usd: z.number().positive().optional(),
  /** Fire when it is above this multiple of the same window one day earlier (e.g. 2 = doubled). */
  relative_to_day_before: z.number().positive().optional(),
  group_by: z.array(z.enum(['service', 'workflow', 'tenant'])).default(['service', 'workflow']),
});

export const safetyEventsRuleSchema = z.strictObject({
  kind: z.literal('safety_events'),
  ...common,
  /** Safety rules count events; no volume guard by default. */
  min_volume: common.min_volume.default(0),
  window: windowSchema,
  /** Fire when the number of matching events in `window` is above this. */
  threshold: z.number().int().nonnegative(),
  group_by: z.array(z.enum(['service', 'workflow', 'tenant', 'kind', 'policy'])).default(['kind', 'policy']),
});

export const ruleSchema = z.discriminatedUnion('kind', [
  toolSuccessRuleSchema,
  fallbackRateRuleSchema,
  handoffRateRuleSchema,
  costPerSuccessRuleSchema,
  safetyEventsRuleSchema,
]);

export const ruleFileSchema = z.strictObject({
  rules: z.array(z.unknown()),
});

export type RuleSpec = z.infer<typeof ruleSchema>;
export type ToolSuccessRuleSpec = z.infer<typeof toolSuccessRuleSchema>;
export type RateRuleSpec = z.infer<typeof fallbackRateRuleSchema> | z.infer<typeof handoffRateRuleSchema>;
export type CostPerSuccessRuleSpec = z.infer<typeof costPerSuccessRuleSchema>;
export type SafetyEventsRuleSpec = z.infer<typeof safetyEventsRuleSchema>;
export type RuleKind = RuleSpec['kind'];
