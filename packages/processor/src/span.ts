/**
 * A span as the processor sees it: only the fields the engine reads, already
 * picked out of OTLP by the decoder (decode/), which skips everything else.
 * Absent strings are '' and absent numbers are 0 (or undefined where absence
 * means something, as for cost), so the engine never probes maps.
 */
export interface Span {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  /** Span end time in Unix epoch milliseconds: the event time windows use. */
  endTimeMs: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: 0 | 1 | 2;
  /** Resource attributes service.name and service.version. */
  service: string;
  serviceVersion: string;
  /** gen_ai.operation.name, '' when absent. */
  operation: string;
  /** telltale.workflow.name and telltale.workflow.outcome. */
  workflow: string;
  outcome: string;
  /** telltale.tenant.id. */
  tenant: string;
  /** gen_ai.provider.name, gen_ai.request.model, gen_ai.response.model. */
  provider: string;
  requestModel: string;
  responseModel: string;
  /** gen_ai.usage.* token counts; 0 when absent or not a non-negative integer. */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  reasoningTokens: number;
  /** telltale.cost.usd when present and a finite non-negative number. */
  costUsd: number | undefined;
  /** telltale.cost.source, '' when absent. */
  costSource: string;
  /** gen_ai.tool.name and error.type. */
  toolName: string;
  errorType: string;
  /** telltale.version.* attributes. */
  promptVersion: string;
  policyVersion: string;
  retrievalConfigVersion: string;
  /**
   * Only the `telltale.safety` span events; other events are skipped by the
   * decoder. Read-only: spans without one (nearly all) share one empty array.
   */
  safetyEvents: readonly SafetyEventView[];
}

export interface SafetyEventView {
  /** Unix epoch nanoseconds as a decimal string (exceeds 2^53). */
  timeUnixNano: string;
  kind: string;
  policy: string;
  action: string;
  severity: string;
  fallbackFrom: string;
  fallbackTo: string;
  fallbackReason: string;
}

/** What a decoder returns: spans, or why the input could not be read. Decoders never throw. */
export type DecodeResult = { ok: true; spans: Span[] } | { ok: false; reason: string };
