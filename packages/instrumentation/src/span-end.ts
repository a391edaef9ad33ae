/**
 * Ending spans around the caller's fn: one place that knows how to wait for a
 * promise without changing what it resolves or rejects with, and how to mark
 * a span failed without letting an SDK fault reach the host.
 */
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ERROR_TYPE } from '@telltale/conventions';
import type { Runtime } from './runtime.ts';
import { errorMessage, errorType, isPromiseLike } from './sanitize.ts';

/** Called once when fn settles; must not throw (callers wrap their bodies). */
export interface Settle<T> {
  ok(value: T): void;
  failed(err: unknown): void;
}

/**
 * Runs the settle hooks after fn's result: synchronously for a plain value,
 * on resolution for a promise. The caller gets fn's value or error unchanged.
 */
export function afterResult<T>(result: T, settle: Settle<T>): T {
  if (!isPromiseLike(result)) {
    settle.ok(result);
    return result;
  }
  try {
    return (result as PromiseLike<unknown>).then(
      (value) => {
        settle.ok(value as T);
        return value;
      },
      (err: unknown) => {
        settle.failed(err);
        throw err;
      },
    ) as T;
  } catch {
    // A thenable whose `then` throws: hand it back as it was.
    settle.ok(result);
    return result;
  }
}

/** Marks a span as failed by `err`: status ERROR, error.type, the exception event. */
export function markFailed(rt: Runtime, span: Span, err: unknown): string {
  const type = errorType(err);
  try {
    span.setAttribute(ERROR_TYPE, type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err, rt.maxAttributeLength) });
    if (typeof err === 'object' && err !== null) {
      const e = err as { name?: unknown; message?: unknown; stack?: unknown };
      span.recordException({
        name: typeof e.name === 'string' ? e.name : type,
        message: errorMessage(err, rt.maxAttributeLength),
        stack: typeof e.stack === 'string' ? e.stack.slice(0, rt.maxAttributeLength) : undefined,
      });
    } else {
      span.recordException(errorMessage(err, rt.maxAttributeLength));
    }
  } catch {
    rt.internalErrors++;
  }
  return type;
}
