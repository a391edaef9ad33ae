import type { CompiledRule, RuleWindow } from '../compiled-rule.ts';
import type {
  CostPerSuccessRuleSpec,
  RateRuleSpec,
  RuleSpec,
  SafetyEventsRuleSpec,
  ToolSuccessRuleSpec,
} from '../schema.ts';
import type { ConditionResult, WindowedCounts } from './condition.ts';
import { costValueNames, costWindows, evaluateCostPerSuccess } from './cost-per-success.ts';
import { evaluateRate, rateValueNames } from './rates.ts';
import { evaluateSafetyEvents, SAFETY_VALUE_NAMES } from './safety-events.ts';
import { evaluateToolSuccess, toolSuccessValueNames, toolSuccessWindows } from './tool-success.ts';

/** Every group's verdict for one rule at `nowMs`. */
export function evaluateCondition(rule: CompiledRule, store: WindowedCounts, nowMs: number): ConditionResult[] {
  switch (rule.spec.kind) {
    case 'tool_success':
      return evaluateToolSuccess(rule as CompiledRule<ToolSuccessRuleSpec>, store, nowMs);
    case 'fallback_rate':
    case 'handoff_rate':
      return evaluateRate(rule as CompiledRule<RateRuleSpec>, store, nowMs);
    case 'cost_per_success':
      return evaluateCostPerSuccess(rule as CompiledRule<CostPerSuccessRuleSpec>, store, nowMs);
    case 'safety_events':
      return evaluateSafetyEvents(rule as CompiledRule<SafetyEventsRuleSpec>, store, nowMs);
  }
}

export function windowsOf(spec: RuleSpec): RuleWindow[] {
  switch (spec.kind) {
    case 'tool_success':
      return toolSuccessWindows(spec);
    case 'cost_per_success':
      return costWindows(spec);
    default:
      return [{ windowMs: spec.window, offsetMs: 0 }];
  }
}

export function valueNamesOf(spec: RuleSpec): string[] {
  switch (spec.kind) {
    case 'tool_success':
      return toolSuccessValueNames(spec);
    case 'fallback_rate':
    case 'handoff_rate':
      return rateValueNames(spec);
    case 'cost_per_success':
      return costValueNames(spec);
    case 'safety_events':
      return SAFETY_VALUE_NAMES;
  }
}
