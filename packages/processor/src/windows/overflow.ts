/**
 * Why a value went to `__overflow__` or a contribution skipped its normal
 * path. Each is counted (metric overflow_total{reason}); none is silent.
 */
export const OVERFLOW_REASONS = [
  'service',
  'workflow',
  'tenant',
  'tool',
  'model',
  'policy',
  'keys',
  'open_windows',
  'open_traces',
  'trace_spans',
] as const;
export type OverflowReason = (typeof OVERFLOW_REASONS)[number];

/** Distinct values allowed per window and dimension; past them a value becomes `__overflow__`. */
export interface CardinalityLimits {
  services: number;
  workflows: number;
  tenants: number;
  tools: number;
  models: number;
  /** Distinct safety policies: a policy name carrying an id would otherwise grow a record past what Kafka takes. */
  policies: number;
  /** Distinct (service, workflow, tenant) keys per window; past it the whole key is `__overflow__`. */
  keys: number;
}
