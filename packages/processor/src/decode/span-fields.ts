import {
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOOL_NAME,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  SERVICE_NAME,
  SERVICE_VERSION,
  TELLTALE_COST_SOURCE,
  TELLTALE_COST_USD,
  TELLTALE_FALLBACK_FROM,
  TELLTALE_FALLBACK_REASON,
  TELLTALE_FALLBACK_TO,
  TELLTALE_SAFETY_ACTION,
  TELLTALE_SAFETY_KIND,
  TELLTALE_SAFETY_POLICY,
  TELLTALE_SAFETY_SEVERITY,
  TELLTALE_TENANT_ID,
  TELLTALE_VERSION_POLICY,
  TELLTALE_VERSION_PROMPT,
  TELLTALE_VERSION_RETRIEVAL_CONFIG,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
} from '@telltale/conventions';
import type { SafetyEventView, Span } from '../span.ts';

/**
 * The attributes a Span is made of, numbered so both decoders match a key once
 * (bytes or string → number) and then assign by number. Everything not listed
 * here is skipped without being decoded.
 */

/** Span attribute ids: string-valued first, then token counts, then cost. */
export const A_OPERATION = 0;
export const A_WORKFLOW = 1;
export const A_OUTCOME = 2;
export const A_TENANT = 3;
export const A_PROVIDER = 4;
export const A_REQUEST_MODEL = 5;
export const A_RESPONSE_MODEL = 6;
export const A_COST_SOURCE = 7;
export const A_TOOL_NAME = 8;
export const A_ERROR_TYPE = 9;
export const A_PROMPT_VERSION = 10;
export const A_POLICY_VERSION = 11;
export const A_RETRIEVAL_VERSION = 12;
/** Ids at or above this hold token counts. */
export const A_FIRST_TOKENS = 13;
export const A_INPUT_TOKENS = 13;
export const A_OUTPUT_TOKENS = 14;
export const A_CACHE_READ_TOKENS = 15;
export const A_REASONING_TOKENS = 16;
export const A_COST_USD = 17;

/** Index = attribute id. */
export const SPAN_ATTRIBUTE_KEYS: readonly string[] = [
  GEN_AI_OPERATION_NAME,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
  TELLTALE_TENANT_ID,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_MODEL,
  TELLTALE_COST_SOURCE,
  GEN_AI_TOOL_NAME,
  ERROR_TYPE,
  TELLTALE_VERSION_PROMPT,
  TELLTALE_VERSION_POLICY,
  TELLTALE_VERSION_RETRIEVAL_CONFIG,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  TELLTALE_COST_USD,
];

export const R_SERVICE_NAME = 0;
export const R_SERVICE_VERSION = 1;
export const RESOURCE_ATTRIBUTE_KEYS: readonly string[] = [SERVICE_NAME, SERVICE_VERSION];

export const E_KIND = 0;
export const E_POLICY = 1;
export const E_ACTION = 2;
export const E_SEVERITY = 3;
export const E_FALLBACK_FROM = 4;
export const E_FALLBACK_TO = 5;
export const E_FALLBACK_REASON = 6;
export const EVENT_ATTRIBUTE_KEYS: readonly string[] = [
  TELLTALE_SAFETY_KIND,
  TELLTALE_SAFETY_POLICY,
  TELLTALE_SAFETY_ACTION,
  TELLTALE_SAFETY_SEVERITY,
  TELLTALE_FALLBACK_FROM,
  TELLTALE_FALLBACK_TO,
  TELLTALE_FALLBACK_REASON,
];

/** What nearly every span holds: one shared array instead of an allocation per span (frozen, so nothing can fill it). */
const NO_SAFETY_EVENTS: readonly SafetyEventView[] = Object.freeze([]);

/** Every field at its absent value, always in this order so all spans share one shape. */
export function newSpan(
  traceId: string,
  spanId: string,
  parentSpanId: string,
  endTimeMs: number,
  statusCode: 0 | 1 | 2,
): Span {
  return {
    traceId,
    spanId,
    parentSpanId,
    endTimeMs,
    statusCode,
    service: '',
    serviceVersion: '',
    operation: '',
    workflow: '',
    outcome: '',
    tenant: '',
    provider: '',
    requestModel: '',
    responseModel: '',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    reasoningTokens: 0,
    costUsd: undefined,
    costSource: '',
    toolName: '',
    errorType: '',
    promptVersion: '',
    policyVersion: '',
    retrievalConfigVersion: '',
    safetyEvents: NO_SAFETY_EVENTS,
  };
}

export function newSafetyEvent(timeUnixNano: string): SafetyEventView {
  return {
    timeUnixNano,
    kind: '',
    policy: '',
    action: '',
    severity: '',
    fallbackFrom: '',
    fallbackTo: '',
    fallbackReason: '',
  };
}

/** Appends without touching the shared empty array. */
export function addSafetyEvent(span: Span, event: SafetyEventView): void {
  span.safetyEvents = span.safetyEvents.length === 0 ? [event] : [...span.safetyEvents, event];
}

export function setSpanString(span: Span, id: number, value: string): void {
  switch (id) {
    case A_OPERATION:
      span.operation = value;
      break;
    case A_WORKFLOW:
      span.workflow = value;
      break;
    case A_OUTCOME:
      span.outcome = value;
      break;
    case A_TENANT:
      span.tenant = value;
      break;
    case A_PROVIDER:
      span.provider = value;
      break;
    case A_REQUEST_MODEL:
      span.requestModel = value;
      break;
    case A_RESPONSE_MODEL:
      span.responseModel = value;
      break;
    case A_COST_SOURCE:
      span.costSource = value;
      break;
    case A_TOOL_NAME:
      span.toolName = value;
      break;
    case A_ERROR_TYPE:
      span.errorType = value;
      break;
    case A_PROMPT_VERSION:
      span.promptVersion = value;
      break;
    case A_POLICY_VERSION:
      span.policyVersion = value;
      break;
    case A_RETRIEVAL_VERSION:
      span.retrievalConfigVersion = value;
      break;
  }
}

/**
 * Token counts must be non-negative integers (the SDK writes int64); anything
 * else counts as absent, so a bad value never poisons a sum.
 */
export function setSpanTokens(span: Span, id: number, value: number): void {
  const n = Number.isSafeInteger(value) && value >= 0 ? value : 0;
  switch (id) {
    case A_INPUT_TOKENS:
      span.inputTokens = n;
      break;
    case A_OUTPUT_TOKENS:
      span.outputTokens = n;
      break;
    case A_CACHE_READ_TOKENS:
      span.cacheReadTokens = n;
      break;
    case A_REASONING_TOKENS:
      span.reasoningTokens = n;
      break;
  }
}

/** Explicit cost counts only when it is a finite non-negative number; otherwise the price table decides. */
export function setSpanCost(span: Span, value: number): void {
  span.costUsd = Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function setEventString(event: SafetyEventView, id: number, value: string): void {
  switch (id) {
    case E_KIND:
      event.kind = value;
      break;
    case E_POLICY:
      event.policy = value;
      break;
    case E_ACTION:
      event.action = value;
      break;
    case E_SEVERITY:
      event.severity = value;
      break;
    case E_FALLBACK_FROM:
      event.fallbackFrom = value;
      break;
    case E_FALLBACK_TO:
      event.fallbackTo = value;
      break;
    case E_FALLBACK_REASON:
      event.fallbackReason = value;
      break;
  }
}
