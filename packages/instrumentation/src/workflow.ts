/**
 * Layer 3, domain: `workflow(name, { tenant }, fn)` opens one span per business
 * task. fn gets a handle to record the outcome and decisions. The tenant id and
 * workflow name go into W3C baggage, so every span started inside (here and in
 * services called over HTTP) carries them.
 */
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  type Span,
  trace,
} from '@opentelemetry/api';
import {
  BAGGAGE_TENANT_ID,
  BAGGAGE_WORKFLOW_NAME,
  GEN_AI_OPERATION_NAME,
  OPERATION_INVOKE_WORKFLOW,
  TELLTALE_DECISION_EVENT,
  TELLTALE_DECISION_NAME,
  TELLTALE_DECISION_VALUE,
  TELLTALE_TENANT_ID,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
  WORKFLOW_OUTCOMES,
  type WorkflowOutcome,
} from '@telltale/conventions';
import { reportOnce } from './report-once.ts';
import type { Runtime, Versions } from './runtime.ts';
import { optionalName, safeName, safePrimitive } from './sanitize.ts';
import { afterResult, markFailed, type Settle } from './span-end.ts';
import { copyUserAttributes } from './user-attributes.ts';
import { addVersions } from './versions.ts';

export interface WorkflowOptions {
  /** Tenant id; travels as baggage to every span of the trace. */
  tenant?: string;
  /** Extra span attributes. */
  attributes?: Attributes;
  /** Overrides the versions given to start() for this workflow. */
  versions?: Versions;
}

export interface WorkflowHandle {
  readonly span: Span;
  /** Trace id (32 hex chars), for logs and support tickets. */
  readonly traceId: string;
  /** How the workflow ended. The last call wins; a throw from fn makes it `failure`. */
  outcome(outcome: WorkflowOutcome): void;
  /** A decision taken along the way, recorded as a span event. */
  decision(name: string, value: string | number | boolean): void;
}

const OP_PREFIX = `${OPERATION_INVOKE_WORKFLOW} `;

export function runWorkflow<T>(
  rt: Runtime,
  name: unknown,
  options: WorkflowOptions | undefined,
  fn: (workflow: WorkflowHandle) => T,
): T {
  let handle: WorkflowRecorder<T>;
  let ctx: Context;
  try {
    const workflowName = safeName(name, 'unknown');
    const o = typeof options === 'object' && options !== null ? options : undefined;
    const tenant = optionalName(o?.tenant);
    const parent = context.active();
    const attributes: Attributes = {
      [GEN_AI_OPERATION_NAME]: OPERATION_INVOKE_WORKFLOW,
      [TELLTALE_WORKFLOW_NAME]: workflowName,
    };
    if (tenant !== undefined) attributes[TELLTALE_TENANT_ID] = tenant;
    addVersions(attributes, rt.versions, o?.versions);
    // Every option is read before the span starts: a throwing getter then costs the telemetry, not an open span.
    const userAttributes = o?.attributes;
    const span = rt.tracer.startSpan(OP_PREFIX + workflowName, { attributes }, parent);
    copyUserAttributes(span, userAttributes, rt.maxAttributeLength);
    let bag = propagation.getBaggage(parent) ?? propagation.createBaggage();
    bag = bag.setEntry(BAGGAGE_WORKFLOW_NAME, { value: workflowName });
    if (tenant !== undefined) bag = bag.setEntry(BAGGAGE_TENANT_ID, { value: tenant });
    ctx = propagation.setBaggage(trace.setSpan(parent, span), bag);
    handle = new WorkflowRecorder<T>(rt, span);
  } catch {
    rt.internalErrors++;
    return fn(new WorkflowRecorder<T>(rt, trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
  }
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, handle);
  } catch (err) {
    handle.failed(err);
    throw err;
  }
  return afterResult(result, handle, ctx);
}

class WorkflowRecorder<T> implements WorkflowHandle, Settle<T> {
  readonly span: Span;
  private readonly rt: Runtime;
  private chosen: WorkflowOutcome | undefined;

  constructor(rt: Runtime, span: Span) {
    this.rt = rt;
    this.span = span;
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  outcome(outcome: WorkflowOutcome): void {
    if ((WORKFLOW_OUTCOMES as readonly unknown[]).includes(outcome)) {
      this.chosen = outcome;
    } else {
      reportOnce('workflow.outcome', `outcome() takes one of ${WORKFLOW_OUTCOMES.join(', ')}; ignored a bad value`);
    }
  }

  decision(name: string, value: string | number | boolean): void {
    try {
      const v = safePrimitive(value, this.rt.maxAttributeLength);
      this.span.addEvent(TELLTALE_DECISION_EVENT, {
        [TELLTALE_DECISION_NAME]: safeName(name, 'unknown'),
        [TELLTALE_DECISION_VALUE]: v === undefined ? String(v) : v,
      });
    } catch {
      this.rt.internalErrors++;
    }
  }

  ok(_value: T): void {
    this.end(this.chosen ?? this.rt.defaultOutcome);
  }

  failed(err: unknown): void {
    markFailed(this.rt, this.span, err);
    this.end('failure');
  }

  private end(outcome: WorkflowOutcome): void {
    try {
      this.span.setAttribute(TELLTALE_WORKFLOW_OUTCOME, outcome);
      this.span.end();
    } catch {
      this.rt.internalErrors++;
    }
  }
}
