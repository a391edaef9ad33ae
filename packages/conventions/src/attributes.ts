/**
 * Every span attribute, span event and baggage key telltale reads or writes.
 *
 * The OpenTelemetry GenAI semantic conventions name everything they cover; the
 * `telltale.` namespace holds only what they do not (workflow, tenant, cost,
 * fallback, safety, versions). The SDK writes these names and the processor
 * reads them, so both import them from here and nowhere else.
 */

/** OpenTelemetry GenAI semantic conventions (gen_ai.*) and general ones we rely on. */
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';
export const GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
/** GenAI metric attribute: `input` or `output` on gen_ai.client.token.usage. */
export const GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ERROR_TYPE = 'error.type';
export const SERVICE_NAME = 'service.name';
export const SERVICE_VERSION = 'service.version';

/** Domain layer: one business task per workflow span. */
export const TELLTALE_WORKFLOW_NAME = 'telltale.workflow.name';
export const TELLTALE_WORKFLOW_OUTCOME = 'telltale.workflow.outcome';
export const TELLTALE_TENANT_ID = 'telltale.tenant.id';
/** Span event recorded by `decision(name, value)`. */
export const TELLTALE_DECISION_EVENT = 'telltale.decision';
export const TELLTALE_DECISION_NAME = 'telltale.decision.name';
export const TELLTALE_DECISION_VALUE = 'telltale.decision.value';

/** Model layer: cost of one model call, and where the number came from. */
export const TELLTALE_COST_USD = 'telltale.cost.usd';
export const TELLTALE_COST_SOURCE = 'telltale.cost.source';
/** Tool layer: 1 for the first try, 2 for the first retry, ... */
export const TELLTALE_TOOL_ATTEMPT = 'telltale.tool.attempt';

/**
 * Safety layer: one span event per safety event. Fallbacks are safety events of
 * kind `fallback` and carry the fallback attributes as well.
 */
export const TELLTALE_SAFETY_EVENT = 'telltale.safety';
export const TELLTALE_SAFETY_KIND = 'telltale.safety.kind';
export const TELLTALE_SAFETY_POLICY = 'telltale.safety.policy';
export const TELLTALE_SAFETY_ACTION = 'telltale.safety.action';
export const TELLTALE_SAFETY_SEVERITY = 'telltale.safety.severity';
export const TELLTALE_FALLBACK_FROM = 'telltale.fallback.from';
export const TELLTALE_FALLBACK_TO = 'telltale.fallback.to';
export const TELLTALE_FALLBACK_REASON = 'telltale.fallback.reason';

/** Version metadata, so an incident can be tied to what was deployed. */
export const TELLTALE_VERSION_PROMPT = 'telltale.version.prompt';
export const TELLTALE_VERSION_POLICY = 'telltale.version.policy';
export const TELLTALE_VERSION_RETRIEVAL_CONFIG = 'telltale.version.retrieval_config';

/**
 * W3C baggage keys. The SDK puts tenant and workflow in baggage so that every
 * span of the trace, also in other services, carries them as attributes.
 */
export const BAGGAGE_TENANT_ID = TELLTALE_TENANT_ID;
export const BAGGAGE_WORKFLOW_NAME = TELLTALE_WORKFLOW_NAME;
