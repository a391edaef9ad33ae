/**
 * The module-level API: the same calls as the client `start` returns, bound
 * to whichever client is current, so libraries can instrument without holding
 * a handle.
 */
import type { Span } from '@opentelemetry/api';
import type { Safety, TelltaleStats } from './client.ts';
import { currentClient } from './current.ts';
import type { ModelCallHandle, ModelCallOptions } from './model-call.ts';
import type { FallbackEvent, SafetyEvent } from './safety.ts';
import type { ToolOptions } from './tool.ts';
import type { WorkflowHandle, WorkflowOptions } from './workflow.ts';

export function workflow<T>(name: string, fn: (workflow: WorkflowHandle) => T): T;
export function workflow<T>(name: string, options: WorkflowOptions, fn: (workflow: WorkflowHandle) => T): T;
export function workflow<T>(
  name: string,
  optionsOrFn: WorkflowOptions | ((workflow: WorkflowHandle) => T),
  maybeFn?: (workflow: WorkflowHandle) => T,
): T {
  const client = currentClient();
  return typeof optionsOrFn === 'function'
    ? client.workflow(name, optionsOrFn)
    : client.workflow(name, optionsOrFn, maybeFn as (workflow: WorkflowHandle) => T);
}

export function modelCall<T>(options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
  return currentClient().modelCall(options, fn);
}

export function tool<T>(name: string, fn: (span: Span) => T): T;
export function tool<T>(name: string, options: ToolOptions, fn: (span: Span) => T): T;
export function tool<T>(name: string, optionsOrFn: ToolOptions | ((span: Span) => T), maybeFn?: (span: Span) => T): T {
  const client = currentClient();
  return typeof optionsOrFn === 'function'
    ? client.tool(name, optionsOrFn)
    : client.tool(name, optionsOrFn, maybeFn as (span: Span) => T);
}

export function fallback(event: FallbackEvent): void {
  currentClient().fallback(event);
}

export const safety: Safety = {
  policyTriggered: (event: SafetyEvent) => currentClient().safety.policyTriggered(event),
  blocked: (event: SafetyEvent) => currentClient().safety.blocked(event),
  escalated: (event: SafetyEvent) => currentClient().safety.escalated(event),
};

/** Export counts of the current client (zeros before start). */
export function stats(): TelltaleStats {
  return currentClient().stats();
}
