/**
 * Layer 4, tools: `tool(name, fn)` wraps one tool call in an `execute_tool`
 * span. Success when fn returns or resolves; status ERROR with error.type when
 * it throws or rejects; the attempt number when the caller retries.
 */
import { type Attributes, context, INVALID_SPAN_CONTEXT, type Span, trace } from '@opentelemetry/api';
import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_CALL_RESULT,
  GEN_AI_TOOL_NAME,
  GEN_AI_TOOL_TYPE,
  OPERATION_EXECUTE_TOOL,
  TELLTALE_TOOL_ATTEMPT,
} from '@telltale/conventions';
import { captureContent } from './content/capture.ts';
import type { Runtime } from './runtime.ts';
import { optionalName, safeName } from './sanitize.ts';
import { afterResult, markFailed, type Settle } from './span-end.ts';
import { copyUserAttributes } from './user-attributes.ts';
import { addVersions } from './versions.ts';

export interface ToolOptions {
  /** 1 for the first try, 2 for the first retry, ... Default 1. */
  attempt?: number;
  /** The model's id for this tool call (gen_ai.tool.call.id). */
  callId?: string;
  /** gen_ai.tool.type, e.g. `function`, `extension`, `datastore`. */
  type?: string;
  /** Tool arguments; recorded only when content capture is on, after redaction. */
  arguments?: unknown;
  /** Extra span attributes. */
  attributes?: Attributes;
}

const OP_PREFIX = `${OPERATION_EXECUTE_TOOL} `;

export function runTool<T>(rt: Runtime, name: unknown, options: ToolOptions | undefined, fn: (span: Span) => T): T {
  let span: Span;
  let settle: ToolSettle<T>;
  try {
    span = startToolSpan(rt, name, options);
    settle = new ToolSettle<T>(rt, span);
  } catch {
    rt.internalErrors++;
    return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  }
  const ctx = trace.setSpan(context.active(), span);
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, span);
  } catch (err) {
    settle.failed(err);
    throw err;
  }
  return afterResult(result, settle, ctx);
}

function startToolSpan(rt: Runtime, name: unknown, options: ToolOptions | undefined): Span {
  const toolName = safeName(name, 'unknown');
  let attempt = 1;
  let callId: string | undefined;
  let type: string | undefined;
  // Every option is read before the span starts: a throwing getter then costs the telemetry, not an open span.
  let userAttributes: Attributes | undefined;
  let args: string | undefined;
  if (options !== undefined && options !== null) {
    const a = options.attempt;
    if (typeof a === 'number' && Number.isInteger(a) && a >= 1) attempt = a;
    callId = optionalName(options.callId);
    type = optionalName(options.type);
    userAttributes = options.attributes;
    if (rt.content.capture) args = captureContent(rt.content, 'tool.arguments', options.arguments);
  }
  // Only defined keys: the SDK walks every key of the start attributes twice.
  const attributes: Attributes = {
    [GEN_AI_OPERATION_NAME]: OPERATION_EXECUTE_TOOL,
    [GEN_AI_TOOL_NAME]: toolName,
    [TELLTALE_TOOL_ATTEMPT]: attempt,
  };
  if (callId !== undefined) attributes[GEN_AI_TOOL_CALL_ID] = callId;
  if (type !== undefined) attributes[GEN_AI_TOOL_TYPE] = type;
  addVersions(attributes, rt.versions, undefined);
  const span = rt.tracer.startSpan(OP_PREFIX + toolName, { attributes });
  copyUserAttributes(span, userAttributes, rt.maxAttributeLength);
  if (args !== undefined) span.setAttribute(GEN_AI_TOOL_CALL_ARGUMENTS, args);
  return span;
}

class ToolSettle<T> implements Settle<T> {
  private readonly rt: Runtime;
  private readonly span: Span;

  constructor(rt: Runtime, span: Span) {
    this.rt = rt;
    this.span = span;
  }

  ok(value: T): void {
    try {
      if (this.rt.content.capture) {
        const captured = captureContent(this.rt.content, 'tool.result', value);
        if (captured !== undefined) this.span.setAttribute(GEN_AI_TOOL_CALL_RESULT, captured);
      }
      this.span.end();
    } catch {
      this.rt.internalErrors++;
    }
  }

  failed(err: unknown): void {
    markFailed(this.rt, this.span, err);
    try {
      this.span.end();
    } catch {
      this.rt.internalErrors++;
    }
  }
}
