import { type AttemptOutcome, classifyStatus } from './retry.ts';

/** Characters of an error answer's body kept in the error message. */
const BODY_SNIPPET = 300;

/**
 * One POST of a JSON body, classified: never throws. The signal carries the
 * attempt's timeout, and covers reading the answer too, so a server that
 * sends headers and then stalls still times out.
 */
export async function postJson(
  url: string,
  body: unknown,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<AttemptOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    const kind = classifyStatus(res.status);
    if (kind === 'ok') return { ok: true };
    const error = `HTTP ${res.status} from ${url}: ${text.slice(0, BODY_SNIPPET) || res.statusText}`;
    const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
    return retryAfter === undefined
      ? { ok: false, retriable: kind === 'retry', error }
      : { ok: false, retriable: kind === 'retry', error, retryAfter };
  } catch (err) {
    return { ok: false, retriable: true, error: describeFetchError(err, signal, url) };
  }
}

/** Retry-After as delta-seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describeFetchError(err: unknown, signal: AbortSignal, url: string): string {
  if (signal.aborted) {
    const r: unknown = signal.reason;
    if (r instanceof Error && r.name === 'TimeoutError') return `timed out: no answer from ${url} within the timeout`;
    return `aborted: ${r instanceof Error ? r.message : String(r)}`;
  }
  // undici reports the socket error (ECONNREFUSED, ECONNRESET, ...) as the cause of a "fetch failed" TypeError.
  const cause: unknown = err instanceof Error ? err.cause : undefined;
  const code = cause instanceof Error && 'code' in cause ? String(cause.code) : undefined;
  const detail = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
  return `network error posting to ${url}: ${code && !detail.includes(code) ? `${code} ` : ''}${detail}`;
}
