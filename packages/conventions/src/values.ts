/** Attribute values with a closed vocabulary, as const tuples so zod and types share them. */

/** gen_ai.operation.name values telltale reads or writes. */
export const OPERATION_CHAT = 'chat';
export const OPERATION_TEXT_COMPLETION = 'text_completion';
export const OPERATION_GENERATE_CONTENT = 'generate_content';
export const OPERATION_EMBEDDINGS = 'embeddings';
export const OPERATION_EXECUTE_TOOL = 'execute_tool';
export const OPERATION_INVOKE_AGENT = 'invoke_agent';
export const OPERATION_INVOKE_WORKFLOW = 'invoke_workflow';

/** Operations whose spans are model calls (they carry tokens and cost). */
export const MODEL_OPERATIONS = [
  OPERATION_CHAT,
  OPERATION_TEXT_COMPLETION,
  OPERATION_GENERATE_CONTENT,
  OPERATION_EMBEDDINGS,
] as const;
export type ModelOperation = (typeof MODEL_OPERATIONS)[number];

export const WORKFLOW_OUTCOMES = ['success', 'failure', 'handoff', 'abandoned'] as const;
export type WorkflowOutcome = (typeof WORKFLOW_OUTCOMES)[number];

/** Where a model call's cost came from. `unpriced` is never counted as $0. */
export const COST_SOURCES = ['provider', 'price_table', 'unpriced'] as const;
export type CostSource = (typeof COST_SOURCES)[number];

export const SAFETY_KINDS = ['policy_triggered', 'blocked', 'fallback', 'escalated'] as const;
export type SafetyKind = (typeof SAFETY_KINDS)[number];

export const SAFETY_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type SafetySeverity = (typeof SAFETY_SEVERITIES)[number];

/** The value that stands for every label value past a cardinality cap. */
export const OVERFLOW = '__overflow__';

/** Token types in aggregates (GenAI usage attributes map onto these). */
export const TOKEN_TYPES = ['input', 'output', 'cacheRead', 'reasoning'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];
