/**
 * Ending spans around the caller's fn: one place that knows how to wait for a
 * promise without changing what it resolves or rejects with, and how to mark
 * a span failed without letting an SDK fault reach the host.
 */
import { type Context, context, type Span, SpanStatusCode } from '@opentelemetry/api';
import { ERROR_TYPE } from '@telltale/conventions';
import type { Runtime } from './runtime.ts';
import { errorMessage, errorType, isNativePromise, isPromiseLike } from './sanitize.ts';

/** Called once when fn settles; must not throw (callers wrap their bodies). */
export interface Settle<T> {
  ok(value: T): void;
  failed(err: unknown): void;
}

/**
 * Runs the settle hooks after fn's result: synchronously for a plain value,
 * on settlement for a promise. The caller gets fn's value or error unchanged:
 * a native promise is handed back as it is (the hooks watch it on a branch of
 * their own, which never rejects); any other thenable has its `then` called
 * once, as `await` would, and the call returns a promise that settles as that
 * `await` would, since calling `then` again could run its work again (query
 * builders run on `then`). That `then` runs in `ctx`, the span's context, as
 * the work it starts belongs to the span (an `async fn` would run it there).
 */
export function afterResult<T>(result: T, settle: Settle<T>, ctx: Context): T {
  if (!isPromiseLike(result)) {
    settle.ok(result);
    return result;
  }
  if (isNativePromise(result)) {
    try {
      result.then(
        (value) => settle.ok(value as T),
        (err: unknown) => settle.failed(err),
      );
    } catch (err) {
      // A Proxy around a promise passes `instanceof` but not Promise.prototype.then's brand check: `await` on it
      // rejects with this very error.
      settle.failed(err);
    }
    return result;
  }
  const thenable = result as PromiseLike<unknown>;
  return new Promise((resolve, reject) => {
    try {
      context.with(ctx, () =>
        thenable.then(
          (value) => {
            settle.ok(value as T);
            resolve(value);
          },
          (err: unknown) => {
            settle.failed(err);
            reject(err);
          },
        ),
      );
    } catch (err) {
      // As `await` does: a `then` that throws rejects with what it threw.
      settle.failed(err);
      reject(err);
    }
  }) as T;
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
