/**
 * The series the alert service exposes on /metrics that the exported rules
 * read (src/metrics/ must serve exactly these names and labels; `tenant`
 * only with metrics.tenantLabel).
 */
export const METRICS = {
  /** counter {service, workflow, tool, outcome="success"|"error"} */
  toolCalls: 'telltale_tool_calls_total',
  /** counter {service, workflow[, tenant], outcome="success"|"failure"|"handoff"|"abandoned"} */
  workflowRuns: 'telltale_workflow_runs_total',
  /** counter {service, workflow[, tenant]}: all model spend of the workflows, failed ones too */
  workflowCostUsd: 'telltale_workflow_cost_usd_total',
  /** counter {service, workflow}: fallback activations */
  fallbacks: 'telltale_fallbacks_total',
  /** counter {service, workflow[, tenant]}: workflows with at least one fallback */
  workflowsWithFallback: 'telltale_workflows_with_fallback_total',
  /** counter {service, workflow[, tenant], kind, policy} */
  safetyEvents: 'telltale_safety_events_total',
} as const;

/**
 * The label recording rules carry when the alert that reads them has its own
 * matchers (so its pre-filtered series never mix with the shared ones).
 */
export const RULE_LABEL = 'telltale_rule';
