/**
 * Layer 4, models: `modelCall({ provider, model, operation }, fn)` wraps one
 * model call in a GenAI span (`chat <model>`), reads usage from the response
 * fn returns (or what fn reports through the handle), records cost when the
 * caller knows it, and emits gen_ai.client.token.usage and
 * gen_ai.client.operation.duration.
 */
import { type Attributes, context, INVALID_SPAN_CONTEXT, type Span, trace } from '@opentelemetry/api';
import {
  COST_SOURCES,
  type CostSource,
  ERROR_TYPE,
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OPERATION_NAME,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOKEN_TYPE,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  MODEL_OPERATIONS,
  type ModelOperation,
  OPERATION_CHAT,
  TELLTALE_COST_SOURCE,
  TELLTALE_COST_USD,
} from '@telltale/conventions';
import { captureContent } from './content/capture.ts';
import type { Runtime, Versions } from './runtime.ts';
import { safeAmount, safeName } from './sanitize.ts';
import { afterResult, markFailed, type Settle } from './span-end.ts';
import { responseFacts, type TokenUsage, usageFrom } from './usage.ts';
import { copyUserAttributes } from './user-attributes.ts';
import { addVersions } from './versions.ts';

export interface ModelCallOptions {
  /** gen_ai.provider.name, e.g. `openai`, `anthropic`, `gcp.gemini`. */
  provider: string;
  /** The model requested (gen_ai.request.model). */
  model: string;
  /** gen_ai.operation.name. Default `chat`. */
  operation?: ModelOperation;
  /** Overrides the versions given to start() for this call (e.g. a prompt under test). */
  versions?: Versions;
  /** Prompt messages; recorded only when content capture is on, after redaction. */
  input?: unknown;
  /** Extra span attributes. */
  attributes?: Attributes;
}

/** What fn can tell the span while the call runs. Every method is safe to call with anything. */
export interface ModelCallHandle {
  readonly span: Span;
  /** A provider response (OpenAI, Anthropic or Gemini shape): usage, model, id, finish reasons. */
  setResponse(response: unknown): void;
  /** Token usage, in our shape ({input, output, cacheRead, reasoning}) or a provider's `usage` object. */
  setUsage(usage: unknown): void;
  /** Cost of this call in USD, when the caller knows it. Source defaults to `provider`. */
  setCost(usd: number, source?: CostSource): void;
  setResponseModel(model: string): void;
  setFinishReasons(reasons: readonly string[]): void;
  /** The completion, for opt-in content capture. */
  setOutput(output: unknown): void;
}

export function runModelCall<T>(rt: Runtime, options: ModelCallOptions, fn: (call: ModelCallHandle) => T): T {
  let call: ModelCallRecorder<T>;
  try {
    call = new ModelCallRecorder<T>(rt, options);
  } catch {
    rt.internalErrors++;
    return fn(new ModelCallRecorder<T>(rt, undefined, trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
  }
  const ctx = trace.setSpan(context.active(), call.span);
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, call);
  } catch (err) {
    call.failed(err);
    throw err;
  }
  return afterResult(result, call, ctx);
}

class ModelCallRecorder<T> implements ModelCallHandle, Settle<T> {
  readonly span: Span;
  private readonly rt: Runtime;
  private readonly started: number;
  private readonly operation: string;
  private readonly provider: string;
  private readonly requestModel: string;
  private usage: TokenUsage | undefined;
  private responseModel: string | undefined;
  private responseId: string | undefined;
  private finishReasons: string[] | undefined;
  private output: unknown;
  private costUsd: number | undefined;
  private costSource: CostSource = 'provider';
  private sawResponse = false;

  constructor(rt: Runtime, options: ModelCallOptions | undefined, span?: Span) {
    this.rt = rt;
    this.started = performance.now();
    const o = typeof options === 'object' && options !== null ? options : undefined;
    const op = o?.operation;
    this.operation =
      typeof op === 'string' && (MODEL_OPERATIONS as readonly string[]).includes(op) ? op : OPERATION_CHAT;
    this.provider = safeName(o?.provider, 'unknown');
    this.requestModel = safeName(o?.model, 'unknown');
    if (span !== undefined) {
      this.span = span;
      return;
    }
    const attributes: Attributes = {
      [GEN_AI_OPERATION_NAME]: this.operation,
      [GEN_AI_PROVIDER_NAME]: this.provider,
      [GEN_AI_REQUEST_MODEL]: this.requestModel,
    };
    addVersions(attributes, rt.versions, o?.versions);
    // Every option is read before the span starts: a throwing getter then costs the telemetry, not an open span.
    const userAttributes = o?.attributes;
    const input = o !== undefined && rt.content.capture ? captureContent(rt.content, 'input', o.input) : undefined;
    this.span = rt.tracer.startSpan(`${this.operation} ${this.requestModel}`, { attributes });
    copyUserAttributes(this.span, userAttributes, rt.maxAttributeLength);
    if (input !== undefined) this.span.setAttribute(GEN_AI_INPUT_MESSAGES, input);
  }

  setResponse(response: unknown): void {
    this.sawResponse = true;
    const facts = responseFacts(response, this.rt.content.capture);
    if (facts === undefined) return;
    if (facts.usage !== undefined) this.usage = facts.usage;
    if (facts.model !== undefined) this.responseModel = facts.model;
    if (facts.id !== undefined) this.responseId = facts.id;
    if (facts.finishReasons !== undefined) this.finishReasons = facts.finishReasons;
    if (facts.output !== undefined && this.output === undefined) this.output = facts.output;
  }

  setUsage(usage: unknown): void {
    const u = usageFrom(usage);
    if (u !== undefined) this.usage = u;
  }

  setCost(usd: number, source?: CostSource): void {
    const amount = safeAmount(usd);
    if (amount === undefined) return;
    this.costUsd = amount;
    this.costSource = typeof source === 'string' && COST_SOURCES.includes(source) ? source : 'provider';
  }

  setResponseModel(model: string): void {
    const m = safeName(model, '');
    if (m !== '') this.responseModel = m;
  }

  setFinishReasons(reasons: readonly string[]): void {
    try {
      if (!Array.isArray(reasons)) return;
      this.finishReasons = reasons.slice(0, 16).map((r) => safeName(r, 'unknown'));
    } catch {
      this.rt.internalErrors++;
    }
  }

  setOutput(output: unknown): void {
    this.output = output;
  }

  ok(value: T): void {
    try {
      if (!this.sawResponse && typeof value === 'object' && value !== null) this.setResponse(value);
      this.finish(undefined);
    } catch {
      this.rt.internalErrors++;
    }
  }

  failed(err: unknown): void {
    const type = markFailed(this.rt, this.span, err);
    try {
      this.finish(type);
    } catch {
      this.rt.internalErrors++;
    }
  }

  private finish(errorType: string | undefined): void {
    const span = this.span;
    const u = this.usage;
    if (u !== undefined) {
      if (u.input !== undefined) span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, u.input);
      if (u.output !== undefined) span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, u.output);
      if (u.cacheRead !== undefined) span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, u.cacheRead);
      if (u.reasoning !== undefined) span.setAttribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoning);
    }
    if (this.responseModel !== undefined) span.setAttribute(GEN_AI_RESPONSE_MODEL, this.responseModel);
    if (this.responseId !== undefined) span.setAttribute(GEN_AI_RESPONSE_ID, this.responseId);
    if (this.finishReasons !== undefined) span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, this.finishReasons);
    if (this.costUsd !== undefined) {
      span.setAttribute(TELLTALE_COST_USD, this.costUsd);
      span.setAttribute(TELLTALE_COST_SOURCE, this.costSource);
    }
    if (this.rt.content.capture && this.output !== undefined) {
      const out = captureContent(this.rt.content, 'output', this.output);
      if (out !== undefined) span.setAttribute(GEN_AI_OUTPUT_MESSAGES, out);
    }
    span.end();
    if (this.rt.metricsEnabled) this.recordMetrics(errorType, u);
  }

  private recordMetrics(errorType: string | undefined, u: TokenUsage | undefined): void {
    const seconds = (performance.now() - this.started) / 1000;
    const attributes: Attributes = {
      [GEN_AI_OPERATION_NAME]: this.operation,
      [GEN_AI_PROVIDER_NAME]: this.provider,
      [GEN_AI_REQUEST_MODEL]: this.requestModel,
    };
    if (this.responseModel !== undefined) attributes[GEN_AI_RESPONSE_MODEL] = this.responseModel;
    if (errorType !== undefined) attributes[ERROR_TYPE] = errorType;
    const instruments = this.rt.instruments;
    instruments.operationDuration.record(seconds, attributes);
    if (u === undefined) return;
    if (u.input !== undefined) {
      instruments.tokenUsage.record(u.input, { ...attributes, [GEN_AI_TOKEN_TYPE]: 'input' });
    }
    if (u.output !== undefined) {
      instruments.tokenUsage.record(u.output, { ...attributes, [GEN_AI_TOKEN_TYPE]: 'output' });
    }
  }
}
