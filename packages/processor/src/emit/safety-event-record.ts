import {
  SAFETY_EVENT_SCHEMA_V1,
  type SafetyEventRecord,
  type SafetyKind,
  type SafetySeverity,
  safetyEventId,
} from '@telltale/conventions';
import { callModel } from '../classify/classify.ts';
import type { SafetyEventView, Span } from '../span.ts';
import { isoTime } from './iso-time.ts';

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
  // Whole milliseconds of a digit string: drop its last six digits (what dividing the bigint by 10^6 did, without two bigints).
  const ms = Number(timeUnixNano.slice(0, -6));
  const model = callModel(span);
  const record: SafetyEventRecord = {
    schema: SAFETY_EVENT_SCHEMA_V1,
    id: safetyEventId(span.traceId, span.spanId, timeUnixNano, kind, event.policy),
    timeUnixNano,
    time: isoTime(ms),
    traceId: span.traceId,
    spanId: span.spanId,
    service: span.service,
    workflow: span.workflow,
    tenant: span.tenant,
    kind,
    policy: event.policy,
    action: event.action,
    severity,
    versions: {},
  };
  // Assigned in this order, the order the record's JSON has always had; no spread of a literal per version.
  const versions = record.versions;
  if (span.promptVersion) versions.prompt = span.promptVersion;
  if (span.policyVersion) versions.policy = span.policyVersion;
  if (span.retrievalConfigVersion) versions.retrievalConfig = span.retrievalConfigVersion;
  if (model) versions.model = model;
  if (span.serviceVersion) versions.release = span.serviceVersion;
  if (kind === 'fallback')
    record.fallback = { from: event.fallbackFrom, to: event.fallbackTo, reason: event.fallbackReason };
  return record;
}
