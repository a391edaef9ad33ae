/**
 * The instrumentation calls bound to one runtime. `start` returns one of
 * these; the module-level functions delegate to the current one.
 */
import type { Span } from '@opentelemetry/api';
import type { SafetyKind } from '@telltale/conventions';
import { pinoMixin, type TraceContextFields, traceContext } from './correlation.ts';
import type { ExportStats } from './export/export-stats.ts';
import { type ModelCallHandle, type ModelCallOptions, runModelCall } from './model-call.ts';
import { reportOnce } from './report-once.ts';
import type { Runtime } from './runtime.ts';
import { type FallbackEvent, recordFallback, recordSafety, type SafetyEvent } from './safety.ts';
import { runTool, type ToolOptions } from './tool.ts';
import { runWorkflow, type WorkflowHandle, type WorkflowOptions } from './workflow.ts';

export interface TelltaleStats extends ExportStats {
  /** Faults inside the SDK that were swallowed to protect the host. */
  internalErrors: number;
}

export interface Safety {
  /** A policy fired (the request may go on). */
  policyTriggered(event: SafetyEvent): void;
  /** An action was refused. */
  blocked(event: SafetyEvent): void;
  /** Handed to a human. */
  escalated(event: SafetyEvent): void;
}

export class TelltaleClient {
  readonly safety: Safety;
  private readonly rt: Runtime;

  constructor(rt: Runtime) {
    this.rt = rt;
    const record = (kind: SafetyKind) => (event: SafetyEvent) => recordSafety(rt, kind, event);
    this.safety = {
      policyTriggered: record('policy_triggered'),
      blocked: record('blocked'),
      escalated: record('escalated'),
    };
  }

  /** @internal The runtime this client records into. */
  get runtime(): Runtime {
    return this.rt;
  }

  workflow<T>(name: string, fn: (workflow: WorkflowHandle) => T): T;
  workflow<T>(name: string, options: WorkflowOptions, fn: (workflow: WorkflowHandle) => T): T;
  workflow<T>(
    name: string,
    optionsOrFn: WorkflowOptions | ((workflow: WorkflowHandle) => T),
    maybeFn?: (workflow: WorkflowHandle) => T,
  ): T {
    if (typeof optionsOrFn === 'function') return runWorkflow(this.rt, name, undefined, optionsOrFn);
    if (typeof maybeFn !== 'function') return notAFunction('workflow');
    return runWorkflow(this.rt, name, optionsOrFn, maybeFn);
  }

  modelCall<T>(options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
    if (typeof fn !== 'function') return notAFunction('modelCall');
    return runModelCall(this.rt, options, fn);
  }

  tool<T>(name: string, fn: (span: Span) => T): T;
  tool<T>(name: string, options: ToolOptions, fn: (span: Span) => T): T;
  tool<T>(name: string, optionsOrFn: ToolOptions | ((span: Span) => T), maybeFn?: (span: Span) => T): T {
    if (typeof optionsOrFn === 'function') return runTool(this.rt, name, undefined, optionsOrFn);
    if (typeof maybeFn !== 'function') return notAFunction('tool');
    return runTool(this.rt, name, optionsOrFn, maybeFn);
  }

  /** Records a fallback (a safety event of kind `fallback`) on the current span. */
  fallback(event: FallbackEvent): void {
    recordFallback(this.rt, event);
  }

  traceContext(): TraceContextFields {
    return traceContext();
  }

  readonly pinoMixin = pinoMixin;

  stats(): TelltaleStats {
    return { ...this.rt.exportStats, internalErrors: this.rt.internalErrors };
  }
}

/** Nothing to run and nothing to trace: say so once and give back undefined rather than throw. */
function notAFunction<T>(call: string): T {
  reportOnce(`${call}.fn`, `${call}() was called without a function to run; nothing was traced`);
  return undefined as T;
}
