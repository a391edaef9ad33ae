/**
 * Turning whatever the host hands us into values a span can hold, without
 * throwing: names are clipped, numbers must be finite, anything else is
 * stringified defensively. These run on the hot path, so no zod and no
 * allocation unless something actually needs fixing.
 */

/** Longest span name or short attribute (tool name, model, tenant) we keep. */
export const MAX_NAME_LENGTH = 256;

/** A short identifying string: tool name, model, tenant id, policy. */
export function safeName(value: unknown, fallback: string): string {
  if (typeof value === 'string') {
    if (value.length === 0) return fallback;
    // Well-formed, also after the cut: a lone surrogate (half an emoji) makes the W3C baggage header unencodable,
    // and the propagator then drops the whole header, tenant and workflow with it.
    return (value.length > MAX_NAME_LENGTH ? value.slice(0, MAX_NAME_LENGTH) : value).toWellFormed();
  }
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return fallback;
}

/** Like safeName, but absent stays absent. */
export function optionalName(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return safeName(value, '') || undefined;
}

/** A count (tokens): finite and non-negative, else undefined. */
export function safeCount(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.floor(value);
}

/** An amount (cost in USD): finite and non-negative, else undefined. */
export function safeAmount(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return value;
}

export type Primitive = string | number | boolean;

/** A value for a span attribute or event attribute; undefined when there is nothing sensible to record. */
export function safePrimitive(value: unknown, maxLength: number): Primitive | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > maxLength ? value.slice(0, maxLength) : value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default: {
      if (value === null) return undefined;
      return safeJson(value, maxLength);
    }
  }
}

/**
 * JSON for any value: cycles become "[Circular]", bigints strings, throwing
 * getters and toJSON "[Unserializable]"; the result is clipped to maxLength.
 */
export function safeJson(value: unknown, maxLength: number): string {
  let out: string | undefined;
  try {
    // The objects from the root down to the one being written: only a value among them is a cycle; the same
    // object met again elsewhere (shared, not circular) is written again.
    const path: unknown[] = [];
    out = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        while (path.length > 0 && path[path.length - 1] !== this) path.pop();
        if (path.includes(v)) return '[Circular]';
        path.push(v);
      }
      return v;
    });
  } catch {
    out = '[Unserializable]';
  }
  if (out === undefined) out = '';
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}

/**
 * error.type for a thrown value: the error's class when it has its own, else
 * its name, else its code (ECONNRESET), else `Error`; `_OTHER` for non-objects.
 */
export function errorType(err: unknown): string {
  try {
    if (typeof err !== 'object' || err === null) return '_OTHER';
    const ctor = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor !== 'Error' && ctor !== 'Object' && ctor !== '')
      return safeName(ctor, 'Error');
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== 'Error' && name !== '') return safeName(name, 'Error');
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return safeName(code, 'Error');
    return 'Error';
  } catch {
    return '_OTHER';
  }
}

/** A short message for span status; never throws, whatever was thrown. */
export function errorMessage(err: unknown, maxLength: number): string {
  try {
    if (typeof err === 'object' && err !== null) {
      const message = (err as { message?: unknown }).message;
      if (typeof message === 'string') return message.length > maxLength ? message.slice(0, maxLength) : message;
    }
    return safePrimitive(err, maxLength)?.toString() ?? '';
  } catch {
    return '';
  }
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  try {
    return value instanceof Promise || typeof (value as { then?: unknown }).then === 'function';
  } catch {
    // A proxy whose getPrototypeOf trap or `then` getter throws (or a revoked one) is not something we can await.
    return false;
  }
}

/** A native promise: `then` on it has no side effect, unlike on some thenables (query builders run on `then`). */
export function isNativePromise(value: unknown): value is Promise<unknown> {
  try {
    return value instanceof Promise;
  } catch {
    return false;
  }
}
