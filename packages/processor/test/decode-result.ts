import type { DecodeResult, Span } from '../src/span.ts';

/** The spans of a decode that must succeed; the decoder's reason otherwise. */
export function ok(result: DecodeResult): Span[] {
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.spans;
}

/** The reason of a decode that must fail. */
export function reason(result: DecodeResult): string {
  if (result.ok) throw new Error('expected a failure, got ok');
  return result.reason;
}
