/**
 * Opt-in content capture. Prompts, completions and tool arguments/results are
 * serialized (cycle-safe, clipped), passed to the user's redaction hook, then
 * through the default scrubber. A hook that throws drops the content.
 */
import { safeJson } from '../sanitize.ts';
import { scrubSecrets } from './scrub.ts';

export type ContentKind = 'input' | 'output' | 'tool.arguments' | 'tool.result';

/**
 * Redaction hook: gets the serialized content and what it is; returns the text
 * to keep, or undefined/null to drop it entirely.
 */
export type RedactHook = (text: string, info: { kind: ContentKind }) => string | undefined | null;

export interface ContentPolicy {
  capture: boolean;
  redact: RedactHook | undefined;
  maxLength: number;
}

export const CONTENT_OFF: ContentPolicy = { capture: false, redact: undefined, maxLength: 0 };

export function captureContent(policy: ContentPolicy, kind: ContentKind, value: unknown): string | undefined {
  if (!policy.capture || value === undefined) return undefined;
  try {
    let text = typeof value === 'string' ? value.slice(0, policy.maxLength) : safeJson(value, policy.maxLength);
    if (policy.redact !== undefined) {
      const redacted = policy.redact(text, { kind });
      if (typeof redacted !== 'string') return undefined;
      text = redacted.slice(0, policy.maxLength);
    }
    return scrubSecrets(text);
  } catch {
    return undefined;
  }
}
