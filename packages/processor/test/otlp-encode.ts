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
  TELLTALE_COST_USD,
  TELLTALE_FALLBACK_FROM,
  TELLTALE_FALLBACK_REASON,
  TELLTALE_FALLBACK_TO,
  TELLTALE_SAFETY_ACTION,
  TELLTALE_SAFETY_EVENT,
  TELLTALE_SAFETY_KIND,
  TELLTALE_SAFETY_POLICY,
  TELLTALE_SAFETY_SEVERITY,
  TELLTALE_TENANT_ID,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
} from '@telltale/conventions';
import protobuf from 'protobufjs';
import type { Span } from '../src/span.ts';

/**
 * Encodes spans as OTLP protobuf TracesData (the bytes the collector's kafka
 * exporter writes with encoding otlp_proto): one ResourceSpans for the
 * spans' service, one ScopeSpans. Written here from the OTLP .proto field
 * numbers so integration tests produce real wire bytes without the processor's
 * own decoder in the loop.
 */
export function encodeTracesData(spans: readonly Span[]): Uint8Array {
  const first = spans[0];
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork(); // TracesData.resource_spans
  w.uint32((1 << 3) | 2).fork(); // ResourceSpans.resource
  if (first) {
    kv(w, 1, SERVICE_NAME, first.service);
    if (first.serviceVersion) kv(w, 1, SERVICE_VERSION, first.serviceVersion);
  }
  w.ldelim();
  w.uint32((2 << 3) | 2).fork(); // ResourceSpans.scope_spans
  w.uint32((1 << 3) | 2).fork(); // ScopeSpans.scope
  w.uint32((1 << 3) | 2).string('@telltale/instrumentation');
  w.ldelim();
  for (const s of spans) {
    w.uint32((2 << 3) | 2).fork(); // ScopeSpans.spans
    w.uint32((1 << 3) | 2).bytes(Buffer.from(s.traceId, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from(s.spanId, 'hex'));
    if (s.parentSpanId) w.uint32((4 << 3) | 2).bytes(Buffer.from(s.parentSpanId, 'hex'));
    w.uint32((5 << 3) | 2).string(s.operation || 'span');
    w.uint32((6 << 3) | 0).int32(1);
    const endNs = BigInt(s.endTimeMs) * 1_000_000n;
    fixed64(w, 7, endNs - 1_000_000n);
    fixed64(w, 8, endNs);
    const str = (k: string, v: string) => {
      if (v) kv(w, 9, k, v);
    };
    const int = (k: string, v: number) => {
      if (v) kvInt(w, 9, k, v);
    };
    str(GEN_AI_OPERATION_NAME, s.operation);
    str(TELLTALE_WORKFLOW_NAME, s.workflow);
    str(TELLTALE_WORKFLOW_OUTCOME, s.outcome);
    str(TELLTALE_TENANT_ID, s.tenant);
    str(GEN_AI_PROVIDER_NAME, s.provider);
    str(GEN_AI_REQUEST_MODEL, s.requestModel);
    str(GEN_AI_RESPONSE_MODEL, s.responseModel);
    int(GEN_AI_USAGE_INPUT_TOKENS, s.inputTokens);
    int(GEN_AI_USAGE_OUTPUT_TOKENS, s.outputTokens);
    int(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, s.cacheReadTokens);
    int(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, s.reasoningTokens);
    str(GEN_AI_TOOL_NAME, s.toolName);
    str(ERROR_TYPE, s.errorType);
    if (s.costUsd !== undefined) kvDouble(w, 9, TELLTALE_COST_USD, s.costUsd);
    for (const e of s.safetyEvents) {
      w.uint32((11 << 3) | 2).fork(); // Span.events
      fixed64(w, 1, BigInt(e.timeUnixNano));
      w.uint32((2 << 3) | 2).string(TELLTALE_SAFETY_EVENT);
      const ev = (k: string, v: string) => {
        if (v) kv(w, 3, k, v);
      };
      ev(TELLTALE_SAFETY_KIND, e.kind);
      ev(TELLTALE_SAFETY_POLICY, e.policy);
      ev(TELLTALE_SAFETY_ACTION, e.action);
      ev(TELLTALE_SAFETY_SEVERITY, e.severity);
      ev(TELLTALE_FALLBACK_FROM, e.fallbackFrom);
      ev(TELLTALE_FALLBACK_TO, e.fallbackTo);
      ev(TELLTALE_FALLBACK_REASON, e.fallbackReason);
      w.ldelim();
    }
    if (s.statusCode) {
      w.uint32((15 << 3) | 2).fork(); // Span.status
      w.uint32((3 << 3) | 0).int32(s.statusCode);
      w.ldelim();
    }
    w.ldelim();
  }
  w.ldelim(); // scope_spans
  w.ldelim(); // resource_spans
  return w.finish();
}

function kv(w: protobuf.Writer, field: number, key: string, value: string): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(key);
  w.uint32((2 << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(value);
  w.ldelim();
  w.ldelim();
}

function kvInt(w: protobuf.Writer, field: number, key: string, value: number): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(key);
  w.uint32((2 << 3) | 2).fork();
  w.uint32((3 << 3) | 0).int64(value);
  w.ldelim();
  w.ldelim();
}

function kvDouble(w: protobuf.Writer, field: number, key: string, value: number): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(key);
  w.uint32((2 << 3) | 2).fork();
  w.uint32((4 << 3) | 1).double(value);
  w.ldelim();
  w.ldelim();
}

function fixed64(w: protobuf.Writer, field: number, v: bigint): void {
  w.uint32((field << 3) | 1);
  w.fixed32(Number(v & 0xffffffffn));
  w.fixed32(Number(v >> 32n));
}

type JsonValue = { stringValue: string } | { intValue: string } | { doubleValue: number };

/** The same spans as OTLP/JSON TracesData (encoding otlp_json): hex ids, int64 as decimal strings. */
export function encodeTracesDataJson(spans: readonly Span[]): string {
  const first = spans[0];
  const attrs = (pairs: [string, JsonValue | undefined][]) =>
    pairs.filter((p): p is [string, JsonValue] => p[1] !== undefined).map(([key, value]) => ({ key, value }));
  const str = (v: string): JsonValue | undefined => (v ? { stringValue: v } : undefined);
  const int = (v: number): JsonValue | undefined => (v ? { intValue: String(v) } : undefined);
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: attrs([
            [SERVICE_NAME, str(first?.service ?? '')],
            [SERVICE_VERSION, str(first?.serviceVersion ?? '')],
          ]),
        },
        scopeSpans: [
          {
            scope: { name: '@telltale/instrumentation' },
            spans: spans.map((s) => {
              const endNs = BigInt(s.endTimeMs) * 1_000_000n;
              return {
                traceId: s.traceId,
                spanId: s.spanId,
                ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                name: s.operation || 'span',
                kind: 1,
                startTimeUnixNano: (endNs - 1_000_000n).toString(),
                endTimeUnixNano: endNs.toString(),
                attributes: attrs([
                  [GEN_AI_OPERATION_NAME, str(s.operation)],
                  [TELLTALE_WORKFLOW_NAME, str(s.workflow)],
                  [TELLTALE_WORKFLOW_OUTCOME, str(s.outcome)],
                  [TELLTALE_TENANT_ID, str(s.tenant)],
                  [GEN_AI_PROVIDER_NAME, str(s.provider)],
                  [GEN_AI_REQUEST_MODEL, str(s.requestModel)],
                  [GEN_AI_RESPONSE_MODEL, str(s.responseModel)],
                  [GEN_AI_USAGE_INPUT_TOKENS, int(s.inputTokens)],
                  [GEN_AI_USAGE_OUTPUT_TOKENS, int(s.outputTokens)],
                  [GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, int(s.cacheReadTokens)],
                  [GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, int(s.reasoningTokens)],
                  [GEN_AI_TOOL_NAME, str(s.toolName)],
                  [ERROR_TYPE, str(s.errorType)],
                  [TELLTALE_COST_USD, s.costUsd === undefined ? undefined : { doubleValue: s.costUsd }],
                ]),
                events: s.safetyEvents.map((e) => ({
                  timeUnixNano: e.timeUnixNano,
                  name: TELLTALE_SAFETY_EVENT,
                  attributes: attrs([
                    [TELLTALE_SAFETY_KIND, str(e.kind)],
                    [TELLTALE_SAFETY_POLICY, str(e.policy)],
                    [TELLTALE_SAFETY_ACTION, str(e.action)],
                    [TELLTALE_SAFETY_SEVERITY, str(e.severity)],
                    [TELLTALE_FALLBACK_FROM, str(e.fallbackFrom)],
                    [TELLTALE_FALLBACK_TO, str(e.fallbackTo)],
                    [TELLTALE_FALLBACK_REASON, str(e.fallbackReason)],
                  ]),
                })),
                ...(s.statusCode ? { status: { code: s.statusCode } } : {}),
              };
            }),
          },
        ],
      },
    ],
  });
}
