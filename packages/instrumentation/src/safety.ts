/**
 * Layer 5, safety: policy triggers, blocked actions, fallbacks and human
 * escalations, each a `telltale.safety` span event on the current span (or on
 * a span of its own when there is none) plus a count on telltale.safety.events.
 */
import { type Attributes, type Span, trace } from '@opentelemetry/api';
import {
  SAFETY_SEVERITIES,
  type SafetyKind,
  type SafetySeverity,
  TELLTALE_FALLBACK_FROM,
  TELLTALE_FALLBACK_REASON,
  TELLTALE_FALLBACK_TO,
  TELLTALE_SAFETY_ACTION,
  TELLTALE_SAFETY_EVENT,
  TELLTALE_SAFETY_KIND,
  TELLTALE_SAFETY_POLICY,
  TELLTALE_SAFETY_SEVERITY,
} from '@telltale/conventions';
import type { Runtime } from './runtime.ts';
import { safeName } from './sanitize.ts';

export interface SafetyEvent {
  /** The policy that fired, e.g. `pii`, `prompt_injection`, `refund_limit`. */
  policy: string;
  /** What was done about it, e.g. `redact`, `block`, `escalate`. */
  action?: string;
  severity?: SafetySeverity;
}

export interface FallbackEvent {
  /** What failed or was refused, e.g. the primary model. */
  from: string;
  /** What was used instead. */
  to: string;
  reason: string;
  /** Default `fallback`. */
  policy?: string;
  /** Default `warning`. */
  severity?: SafetySeverity;
}

const DEFAULT_ACTION: Record<SafetyKind, string> = {
  policy_triggered: 'flag',
  blocked: 'block',
  fallback: 'fallback',
  escalated: 'escalate',
};

export function recordSafety(rt: Runtime, kind: SafetyKind, event: SafetyEvent | undefined): void {
  try {
    const e = typeof event === 'object' && event !== null ? event : undefined;
    const attributes: Attributes = {
      [TELLTALE_SAFETY_KIND]: kind,
      [TELLTALE_SAFETY_POLICY]: safeName(e?.policy, 'unknown'),
      [TELLTALE_SAFETY_ACTION]: safeName(e?.action, DEFAULT_ACTION[kind]),
      [TELLTALE_SAFETY_SEVERITY]: severity(e?.severity),
    };
    emit(rt, kind, attributes);
  } catch {
    rt.internalErrors++;
  }
}

export function recordFallback(rt: Runtime, event: FallbackEvent | undefined): void {
  try {
    const e = typeof event === 'object' && event !== null ? event : undefined;
    const attributes: Attributes = {
      [TELLTALE_SAFETY_KIND]: 'fallback',
      [TELLTALE_SAFETY_POLICY]: safeName(e?.policy, 'fallback'),
      [TELLTALE_SAFETY_ACTION]: DEFAULT_ACTION.fallback,
      [TELLTALE_SAFETY_SEVERITY]: severity(e?.severity),
      [TELLTALE_FALLBACK_FROM]: safeName(e?.from, 'unknown'),
      [TELLTALE_FALLBACK_TO]: safeName(e?.to, 'unknown'),
      [TELLTALE_FALLBACK_REASON]: safeName(e?.reason, 'unknown'),
    };
    emit(rt, 'fallback', attributes);
  } catch {
    rt.internalErrors++;
  }
}

function severity(value: unknown): SafetySeverity {
  return typeof value === 'string' && (SAFETY_SEVERITIES as readonly string[]).includes(value)
    ? (value as SafetySeverity)
    : 'warning';
}

function emit(rt: Runtime, kind: SafetyKind, attributes: Attributes): void {
  const active = trace.getActiveSpan();
  if (active?.isRecording()) {
    active.addEvent(TELLTALE_SAFETY_EVENT, attributes);
  } else {
    // No span to hang it on: a span of its own, so the event still reaches the processor.
    const span: Span = rt.tracer.startSpan(`${TELLTALE_SAFETY_EVENT} ${kind}`);
    span.addEvent(TELLTALE_SAFETY_EVENT, attributes);
    span.end();
  }
  rt.instruments.safetyEvents.add(1, {
    [TELLTALE_SAFETY_KIND]: kind,
    [TELLTALE_SAFETY_POLICY]: attributes[TELLTALE_SAFETY_POLICY] as string,
    [TELLTALE_SAFETY_SEVERITY]: attributes[TELLTALE_SAFETY_SEVERITY] as string,
  });
}
