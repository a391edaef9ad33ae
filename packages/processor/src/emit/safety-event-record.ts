import {
  SAFETY_EVENT_SCHEMA_V1,
  type SafetyEventRecord,
  type SafetyKind,
  type SafetySeverity,
  safetyEventId,
} from '@telltale/conventions';
import { callModel } from '../classify/classify.ts';
import type { SafetyEventView, Span } from '../span.ts';

/** One audit-trail record for one safety event; the id is deterministic, so a replay re-emits the same record. */
export function safetyEventRecord(
  span: Span,
  event: SafetyEventView,
  kind: SafetyKind,
  severity: SafetySeverity,
): SafetyEventRecord {
  // The event time when the exporter sent one; else the span's end, which is when the event was at the latest.
  const timeUnixNano =
    /^\d+$/.test(event.timeUnixNano) && event.timeUnixNano !== '0'
      ? event.timeUnixNano
      : (BigInt(Math.trunc(span.endTimeMs)) * 1_000_000n).toString();
  const ms = Number(BigInt(timeUnixNano) / 1_000_000n);
  const model = callModel(span);
  const record: SafetyEventRecord = {
    schema: SAFETY_EVENT_SCHEMA_V1,
    id: safetyEventId(span.traceId, span.spanId, timeUnixNano, kind, event.policy),
    timeUnixNano,
    time: new Date(ms).toISOString(),
    traceId: span.traceId,
    spanId: span.spanId,
    service: span.service,
    workflow: span.workflow,
    tenant: span.tenant,
    kind,
    policy: event.policy,
    action: event.action,
    severity,
    versions: {
      ...(span.promptVersion ? { prompt: span.promptVersion } : {}),
      ...(span.policyVersion ? { policy: span.policyVersion } : {}),
      ...(span.retrievalConfigVersion ? { retrievalConfig: span.retrievalConfigVersion } : {}),
      ...(model ? { model } : {}),
      ...(span.serviceVersion ? { release: span.serviceVersion } : {}),
    },
  };
  if (kind === 'fallback')
    record.fallback = { from: event.fallbackFrom, to: event.fallbackTo, reason: event.fallbackReason };
  return record;
}
