/**
 * Log correlation: the ids of the active span, named as the OTel log data
 * model names them, ready to merge into a pino log line (`mixin: pinoMixin`).
 */
import { trace } from '@opentelemetry/api';

export interface TraceContextFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/** The active span's ids; an empty object outside any span. */
export function traceContext(): TraceContextFields {
  try {
    const sc = trace.getActiveSpan()?.spanContext();
    if (sc === undefined || !trace.isSpanContextValid(sc)) return {};
    return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: sc.traceFlags.toString(16).padStart(2, '0') };
  } catch {
    return {};
  }
}

/** `pino({ mixin: pinoMixin })` puts trace_id/span_id on every log line written inside a span. */
export function pinoMixin(): TraceContextFields {
  return traceContext();
}
