// The public surface of @telltale/instrumentation: named exports only.

export { fallback, modelCall, safety, stats, tool, workflow } from './api.ts';
export type { Safety, TelltaleStats } from './client.ts';
export { TelltaleClient } from './client.ts';
export type { ContentKind, RedactHook } from './content/capture.ts';
export { scrubSecrets } from './content/scrub.ts';
export type { TraceContextFields } from './correlation.ts';
export { pinoMixin, traceContext } from './correlation.ts';
export type { ExportStats } from './export/export-stats.ts';
export {
  METRIC_OPERATION_DURATION,
  METRIC_SAFETY_EVENTS,
  METRIC_SDK_SPANS,
  METRIC_TOKEN_USAGE,
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from './instruments.ts';
export type { ModelCallHandle, ModelCallOptions } from './model-call.ts';
export type { OptionProblem, TelltaleConfig, TelltaleOptions } from './options.ts';
export { optionsSchema, parseOptions } from './options.ts';
export type { Versions } from './runtime.ts';
export type { FallbackEvent, SafetyEvent } from './safety.ts';
export type { Telltale } from './start.ts';
export { start } from './start.ts';
export type { ToolOptions } from './tool.ts';
export type { ResponseFacts, TokenUsage } from './usage.ts';
export { responseFacts, usageFrom } from './usage.ts';
export type { WorkflowHandle, WorkflowOptions } from './workflow.ts';
