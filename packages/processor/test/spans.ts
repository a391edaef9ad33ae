import { newSpan } from '../src/decode/span-fields.ts';
import type { SafetyEventView, Span } from '../src/span.ts';

/** Span builders for tests: a plain span with every field at its "absent" value, then the role's fields. */
export function span(over: Partial<Span> = {}): Span {
  return { ...newSpan('a'.repeat(32), '1'.repeat(16), '', 1_000, 0), service: 'svc', ...over };
}

export function workflowSpan(over: Partial<Span> = {}): Span {
  return span({ operation: 'invoke_workflow', workflow: 'answer', outcome: 'success', tenant: 't1', ...over });
}

export function modelSpan(over: Partial<Span> = {}): Span {
  return span({
    operation: 'chat',
    workflow: 'answer',
    tenant: 't1',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    inputTokens: 1000,
    outputTokens: 100,
    ...over,
  });
}

export function toolSpan(over: Partial<Span> = {}): Span {
  return span({ operation: 'execute_tool', workflow: 'answer', tenant: 't1', toolName: 'search', ...over });
}

export function safetyEvent(over: Partial<SafetyEventView> = {}): SafetyEventView {
  return {
    timeUnixNano: '1000000000',
    kind: 'fallback',
    policy: 'model-down',
    action: 'switched',
    severity: 'warning',
    fallbackFrom: 'gpt-4o',
    fallbackTo: 'gpt-4o-mini',
    fallbackReason: 'timeout',
    ...over,
  };
}

export function hexId(n: number, len: 16 | 32): string {
  return n.toString(16).padStart(len, '0');
}
