import type { Severity } from '../notify/notification.ts';
import type { ValueMatcher } from './matcher.ts';
import type { RuleSpec } from './schema.ts';
import type { CompiledTemplate } from './template.ts';

/** Label names a rule can group by: the aggregate key, the tool, the safety kind and policy. */
export type GroupLabel = 'service' | 'workflow' | 'tenant' | 'tool' | 'kind' | 'policy';

/** A window a rule reads: its length and how far back it is shifted (a day, for day-over-day). */
export interface RuleWindow {
  windowMs: number;
  offsetMs: number;
}

/** A validated rule, ready to evaluate: durations in ms, matchers and templates compiled. */
export interface CompiledRule<S extends RuleSpec = RuleSpec> {
  readonly spec: S;
  readonly name: string;
  readonly severity: Severity;
  readonly forMs: number;
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, CompiledTemplate>>;
  readonly match: Readonly<Record<GroupLabel, ValueMatcher>>;
  readonly groupBy: readonly GroupLabel[];
  /** Every window the rule reads (for the store's lookback). */
  readonly windows: readonly RuleWindow[];
  /** Names of the numbers the rule reports ($values.<name> in templates). */
  readonly valueNames: readonly string[];
}
