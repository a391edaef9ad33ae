import { describe, expect, it } from 'vitest';
import {
  type AttemptOutcome,
  backoffDelay,
  classifyStatus,
  deliverWithRetry,
  type RetryPolicy,
  retryDelay,
} from './retry.ts';

const policy: RetryPolicy = { timeout: 1_000, retries: 3, minBackoff: 100, maxBackoff: 1_000 };
const instant: RetryPolicy = { ...policy, minBackoff: 0, maxBackoff: 0 };

describe('classifyStatus', () => {
  it.each([
    [200, 'ok'],
    [202, 'ok'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [400, 'fail'],
    [401, 'fail'],
    [404, 'fail'],
    [408, 'fail'],
    [302, 'fail'],
  ] as const)('%i is %s', (status, kind) => {
    expect(classifyStatus(status)).toBe(kind);
  });
});

describe('backoffDelay', () => {
  it('doubles its ceiling per retry from minBackoff, capped at maxBackoff (full jitter below it)', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(1, policy, top)).toBe(99);
    expect(backoffDelay(2, policy, top)).toBe(199);
    expect(backoffDelay(3, policy, top)).toBe(399);
    expect(backoffDelay(5, policy, top)).toBe(999);
    expect(backoffDelay(30, policy, top)).toBe(999);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe('deliverWithRetry', () => {
  const scripted = (outcomes: AttemptOutcome[]) => {
    let calls = 0;
    return {
      attempt: async (_signal: AbortSignal): Promise<AttemptOutcome> => {
        calls += 1;
        return outcomes[Math.min(calls, outcomes.length) - 1] ?? { ok: true };
      },
      calls: () => calls,
    };
  };

  it('returns after the first success', async () => {
    const s = scripted([{ ok: false, retriable: true, error: 'HTTP 500' }, { ok: true }]);
    expect(await deliverWithRetry(s.attempt, instant)).toEqual({ ok: true, attempts: 2 });
    expect(s.calls()).toBe(2);
  });

  it('gives up after retries + 1 attempts with the last error', async () => {
    const s = scripted([{ ok: false, retriable: true, error: 'HTTP 503' }]);
    expect(await deliverWithRetry(s.attempt, instant)).toEqual({
      ok: false,
      attempts: 4,
      retriable: true,
      error: 'HTTP 503',
    });
    expect(s.calls()).toBe(4);
  });

  it('reports each retry with the failed attempt, its error and the wait', async () => {
    const s = scripted([
      { ok: false, retriable: true, error: 'HTTP 500' },
      { ok: false, retriable: true, error: 'HTTP 429', retryAfter: 3 },
      { ok: true },
    ]);
    const retries: [number, string, number][] = [];
    const result = await deliverWithRetry(s.attempt, { ...policy, minBackoff: 4, maxBackoff: 8 }, undefined, {
      random: () => 0.5,
      onRetry: (attempt, error, delay) => retries.push([attempt, error, delay]),
    });
    expect(result).toEqual({ ok: true, attempts: 3 });
    expect(retries).toEqual([
      [1, 'HTTP 500', 2],
      [2, 'HTTP 429', 4],
    ]);
  });

  it('stops at a non-retriable failure', async () => {
    const s = scripted([{ ok: false, retriable: false, error: 'HTTP 400' }]);
    expect(await deliverWithRetry(s.attempt, instant)).toEqual({
      ok: false,
      attempts: 1,
      retriable: false,
      error: 'HTTP 400',
    });
  });

  it('gives each attempt a signal that times out', async () => {
    let seen: AbortSignal | undefined;
    const result = await deliverWithRetry(
      async (signal) => {
        seen = signal;
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        return { ok: false, retriable: true, error: 'timed out' };
      },
      { ...instant, timeout: 20, retries: 1 },
    );
    expect(seen?.aborted).toBe(true);
    expect(result).toMatchObject({ ok: false, attempts: 2, error: 'timed out' });
  });

  it('ends a backoff when the caller aborts, and resolves instead of throwing', async () => {
    const controller = new AbortController();
    const s = scripted([{ ok: false, retriable: true, error: 'HTTP 500' }]);
    const long: RetryPolicy = { ...policy, retries: 5, minBackoff: 60_000, maxBackoff: 60_000 };
    const pending = deliverWithRetry(s.attempt, long, controller.signal, { random: () => 0.5 });
    setImmediate(() => controller.abort(new Error('closing')));
    const result = await pending;
    expect(result).toMatchObject({ ok: false, attempts: 1, retriable: true });
    expect(result.ok ? '' : result.error).toMatch(/aborted after 1 attempt\(s\): closing/);
  });
});

describe('retryDelay', () => {
  const http429 = (retryAfter?: number): Extract<AttemptOutcome, { ok: false }> =>
    retryAfter === undefined
      ? { ok: false, retriable: true, error: 'HTTP 429' }
      : { ok: false, retriable: true, error: 'HTTP 429', retryAfter };

  it('waits for the Retry-After when it is longer than the jitter', () => {
    expect(retryDelay(1, http429(500), policy, () => 0)).toBe(500);
  });

  it('caps Retry-After at maxBackoff', () => {
    expect(retryDelay(1, http429(3_600_000), policy, () => 0)).toBe(1_000);
  });

  it('is the jitter without Retry-After', () => {
    expect(retryDelay(2, http429(), policy, () => 0.5)).toBe(100);
  });
});
