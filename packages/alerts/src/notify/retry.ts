import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from 'pino';
import type { DeliveryResult } from './notification.ts';

/**
 * How a network channel retries one delivery. Field names and units match the
 * parsed channel config (src/config/channels.ts), so a channel config can be
 * passed as it is.
 */
export interface RetryPolicy {
  /** One attempt's timeout in ms (connect, send and read the answer). */
  timeout: number;
  /** Retries after the first attempt; attempts are at most retries + 1. */
  retries: number;
  /** Backoff bounds in ms: before retry n, a random delay in [0, min(maxBackoff, minBackoff × 2^(n-1))]. */
  minBackoff: number;
  maxBackoff: number;
}

/** The outcome of one attempt; `retryAfter` (ms) is the server's Retry-After, if it sent one. */
export type AttemptOutcome = { ok: true } | { ok: false; retriable: boolean; error: string; retryAfter?: number };

/**
 * 2xx succeeds; 429 and 5xx are worth another try; every other status means
 * the request itself is wrong (bad routing key, bad body) and resending the
 * same bytes cannot help.
 */
export function classifyStatus(status: number): 'ok' | 'retry' | 'fail' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429 || status >= 500) return 'retry';
  return 'fail';
}

/**
 * Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff
 * And Jitter"): spreads the retries of many alerts hitting the same outage.
 * `retry` counts from 1.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoff, policy.minBackoff * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retry n: the full-jitter delay, or the server's
 * Retry-After when that is longer (capped at maxBackoff, so a hostile or
 * broken header cannot park a page for an hour).
 */
export function retryDelay(
  retry: number,
  failure: Extract<AttemptOutcome, { ok: false }> | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const jitter = backoffDelay(retry, policy, random);
  return Math.max(jitter, Math.min(failure?.retryAfter ?? 0, policy.maxBackoff));
}

/** What a channel may observe of its retries. */
export interface RetryHooks {
  /** Jitter source; default Math.random. */
  random?: (() => number) | undefined;
  /** Called before each retry with the failed attempt's number, why it failed and the wait before the next. */
  onRetry?: ((attempt: number, error: string, delayMs: number) => void) | undefined;
}

/** Options every network channel takes besides its policy: a logger for each failed attempt, and the jitter source. */
export interface ChannelRetryOptions {
  /** Logs every failed attempt that will be retried (the final outcome is the pager's to log). */
  logger?: Logger | undefined;
  /** Jitter source, for tests. */
  random?: () => number;
}

/** The hooks of a named channel: each failed attempt logged as a warning with the channel's name. */
export function channelHooks(channel: string, opts: ChannelRetryOptions): RetryHooks {
  const log = opts.logger;
  return {
    random: opts.random,
    onRetry: log
      ? (attempt, error, delayMs) =>
          log.warn({ channel, attempt, err: error, retryInMs: delayMs }, 'delivery attempt failed; retrying')
      : undefined,
  };
}

/** A failed attempt carried through p-retry with its outcome. */
class AttemptFailure extends Error {
  readonly outcome: Extract<AttemptOutcome, { ok: false }>;
  constructor(outcome: Extract<AttemptOutcome, { ok: false }>) {
    super(outcome.error);
    this.outcome = outcome;
  }
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are spent;
 * each attempt gets its own timeout signal. Never throws: a caller's abort
 * ends the retries and comes back as a retriable failure.
 */
export async function deliverWithRetry(
  attempt: (signal: AbortSignal) => Promise<AttemptOutcome>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  hooks: RetryHooks = {},
): Promise<DeliveryResult> {
  const random = hooks.random ?? Math.random;
  let attempts = 0;
  let last: Extract<AttemptOutcome, { ok: false }> | undefined;
  try {
    await pRetry(
      async () => {
        attempts += 1;
        const timeout = AbortSignal.timeout(policy.timeout);
        const outcome = await attempt(signal ? AbortSignal.any([signal, timeout]) : timeout);
        if (outcome.ok) return;
        last = outcome;
        const failure = new AttemptFailure(outcome);
        throw outcome.retriable && !signal?.aborted ? failure : new AbortError(failure);
      },
      {
        retries: policy.retries,
        // p-retry's own delays are off: the full-jitter delay (or the server's Retry-After) is slept here.
        minTimeout: 0,
        factor: 1,
        signal,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
          if (retriesLeft === 0) return;
          const failure = error instanceof AttemptFailure ? error.outcome : undefined;
          const delay = retryDelay(retriesConsumed + 1, failure, policy, random);
          hooks.onRetry?.(attemptNumber, error.message, delay);
          await sleep(delay, undefined, { signal });
        },
      },
    );
    return { ok: true, attempts };
  } catch (err) {
    if (signal?.aborted) {
      return { ok: false, attempts, retriable: true, error: `aborted after ${attempts} attempt(s): ${reason(signal)}` };
    }
    if (last) return { ok: false, attempts, retriable: last.retriable, error: last.error };
    // Only a bug in `attempt` (it must return outcomes, not throw) lands here.
    return { ok: false, attempts, retriable: true, error: err instanceof Error ? err.message : String(err) };
  }
}

function reason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : String(r);
}
