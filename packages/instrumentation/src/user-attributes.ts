/** Copies caller-supplied attributes onto a span, sanitized and capped, never throwing. */
import type { Attributes, Span } from '@opentelemetry/api';
import { MAX_NAME_LENGTH, safePrimitive } from './sanitize.ts';

const MAX_USER_ATTRIBUTES = 64;

export function copyUserAttributes(span: Span, attributes: Attributes | undefined, maxLength: number): void {
  if (typeof attributes !== 'object' || attributes === null) return;
  try {
    let n = 0;
    for (const key of Object.keys(attributes)) {
      if (n++ >= MAX_USER_ATTRIBUTES) break;
      if (key.length === 0 || key.length > MAX_NAME_LENGTH) continue;
      const raw = attributes[key];
      const value = Array.isArray(raw) ? safeArray(raw, maxLength) : safePrimitive(raw, maxLength);
      if (value !== undefined) span.setAttribute(key, value);
    }
  } catch {
    // A getter that throws or a proxy: the attributes we could read are kept.
  }
}

function safeArray(raw: readonly unknown[], maxLength: number): string[] | undefined {
  const out: string[] = [];
  for (const item of raw.slice(0, 128)) {
    const v = safePrimitive(item, maxLength);
    if (v !== undefined) out.push(String(v));
  }
  return out.length > 0 ? out : undefined;
}
