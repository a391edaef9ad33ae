// The public surface of the support-assistant example, for the demo and end-to-end tests.

export type { AssistantOptions, Intent, SupportReply, SupportRequest } from './assistant.ts';
export {
  Assistant,
  CLASSIFIER_MODEL,
  createAssistant,
  FALLBACK_MODEL,
  PRIMARY_MODEL,
  PROMPT_VERSION,
  WORKFLOW_NAME,
} from './assistant.ts';
export type { AnthropicMessage, ModelPrice, OpenAiChatResponse } from './fake-model.ts';
export { costUsd, MODEL_PRICES, ModelOverloadedError } from './fake-model.ts';
export { createServer } from './server.ts';
export type { CallCounts, ModelTally, TallySnapshot } from './tally.ts';
export { Tally } from './tally.ts';
export type { Order, ToolFailure, ToolName } from './tools.ts';
export { TOOL_NAMES, ToolUnavailableError } from './tools.ts';
export type { Send, WorkloadOptions } from './workload.ts';
export { DEFAULT_TENANTS, generateRequests, runWorkload, sendOverHttp, sendTo } from './workload.ts';
