/**
 * The default scrubber. Captured content passes through it even after the
 * user's redaction hook, so a hook that forgets something still cannot leak
 * what looks like a credential or an e-mail address.
 */

const REDACTED = '[REDACTED]';

const PATTERNS: readonly RegExp[] = [
  // Authorization headers and bearer tokens.
  /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // Provider-style API keys: sk-..., sk-ant-..., pk_live_..., rk_test_..., xoxb-..., ghp_..., AKIA...
  // This one and the JWT start only where a run of key characters starts, not at each word boundary inside it:
  // tried inside a long run (sk-sk-sk-..., eyJ-eyJ-...) the scan is quadratic and blocks the host.
  /(?<![A-Za-z0-9_-])(?:sk|pk|rk)[-_](?:[A-Za-z0-9]+[-_])*[A-Za-z0-9]{16,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  // JSON Web Tokens.
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  // key=value / "key": "value" where the key names a secret; quotes may be escaped (\") when the text was
  // an object serialized to JSON.
  /((?:api[_-]?key|secret|password|passwd|token|access[_-]?key|client[_-]?secret)(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)[^\s"'\\,;&]{4,}/gi,
  // E-mail addresses. A match starts only where a run of local-part characters starts: tried at every
  // character of a long run (hex, base64, ids) the scan is quadratic and blocks the host.
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (_match: string, prefix: unknown) =>
      // The key=value pattern keeps its key so the reader knows what was removed.
      typeof prefix === 'string' && /[:=]\s*(?:\\?["'])?$/.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return out;
}
