import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertNotification, NotificationChannel } from '../notification.ts';
import type { RetryPolicy } from '../retry.ts';
import { deadUrl, startTestServer, type TestServer } from './http-server.ts';
import { resolveOf, triggerOf } from './notifications.ts';

/** A working destination for one channel type, and what it has seen. */
export interface ContractTarget {
  channel: NotificationChannel;
  /**
   * The actions that reached the destination for this dedup key, in order;
   * a destination that delivers later (Alertmanager) waits until it has `count`.
   */
  received(dedupKey: string, count: number): Promise<('trigger' | 'resolve')[]>;
  close(): Promise<void>;
}

export interface ContractSubject {
  type: NotificationChannel['type'];
  /** A channel delivering to a working destination. */
  start(): Promise<ContractTarget>;
  /** A channel of this type sending to `baseUrl` (a broken server) with this policy; absent for channels without a network. */
  pointedAt?: (baseUrl: string, policy: RetryPolicy) => NotificationChannel;
}

// 1 s per attempt: short for the hang tests, long enough that a stalled event loop does not time out an answered request.
const FAST: RetryPolicy = { timeout: 1000, retries: 2, minBackoff: 1, maxBackoff: 5 };

/**
 * What every pager channel promises (hono-style shared suite): trigger then
 * resolve arrive in order; send never throws; a broken destination costs at
 * most retries + 1 attempts; 4xx other than 429 is not retried; a caller's
 * abort ends the delivery.
 */
export function describeChannelContract(subject: ContractSubject): void {
  describe(`${subject.type} channel contract`, () => {
    let target: ContractTarget;
    beforeAll(async () => {
      target = await subject.start();
    });
    afterAll(async () => {
      await target?.close();
    });

    it('delivers a trigger and then its resolve, in order', async () => {
      // Real times: Alertmanager keeps an alert firing until its endsAt.
      const trigger = triggerOf({ startsAt: new Date(Date.now() - 60_000) });
      const first = await target.channel.send(trigger);
      expect(first).toEqual({ ok: true, attempts: 1 });
      expect(await target.received(trigger.dedupKey, 1)).toEqual(['trigger']);
      const second = await target.channel.send(resolveOf(trigger, new Date()));
      expect(second).toEqual({ ok: true, attempts: 1 });
      expect(await target.received(trigger.dedupKey, 2)).toEqual(['trigger', 'resolve']);
    });

    it(`has type ${subject.type} and a name`, () => {
      expect(target.channel.type).toBe(subject.type);
      expect(target.channel.name).not.toBe('');
    });

    const pointedAt = subject.pointedAt;
    if (!pointedAt) return;

    describe('against a broken destination', () => {
      let broken: TestServer;
      beforeAll(async () => {
        broken = await startTestServer(() => ({ status: 503, body: { error: 'down' } }));
      });
      afterAll(async () => {
        await broken?.close();
      });

      it('does not throw when nothing listens, and gives up after retries + 1 attempts', async () => {
        const channel = pointedAt(await deadUrl(), FAST);
        const result = await channel.send(triggerOf());
        expect(result).toMatchObject({ ok: false, attempts: FAST.retries + 1, retriable: true });
        expect(result.ok ? '' : result.error).toMatch(/network error/);
      });

      it('retries 5xx a bounded number of times', async () => {
        const before = broken.requests.length;
        const result = await pointedAt(broken.url, FAST).send(triggerOf());
        expect(result).toMatchObject({ ok: false, attempts: FAST.retries + 1, retriable: true });
        expect(broken.requests.length - before).toBe(FAST.retries + 1);
      });

      it('retries 429 and succeeds when the destination recovers', async () => {
        const recovering = await startTestServer(() => ({ status: 202 }));
        try {
          recovering.script({ status: 429, headers: { 'retry-after': '0' } });
          const result = await pointedAt(recovering.url, FAST).send(triggerOf());
          expect(result).toEqual({ ok: true, attempts: 2 });
          expect(recovering.requests).toHaveLength(2);
        } finally {
          await recovering.close();
        }
      });

      it('does not retry a 400', async () => {
        const before = broken.requests.length;
        broken.script({ status: 400, body: { message: 'invalid' } });
        const result = await pointedAt(broken.url, FAST).send(triggerOf());
        expect(result).toMatchObject({ ok: false, attempts: 1, retriable: false });
        expect(broken.requests.length - before).toBe(1);
      });

      it('times out an attempt that gets no answer, and retries it', async () => {
        const before = broken.requests.length;
        broken.script('hang', 'hang', 'hang');
        const result = await pointedAt(broken.url, FAST).send(triggerOf());
        expect(result).toMatchObject({ ok: false, attempts: FAST.retries + 1, retriable: true });
        expect(result.ok ? '' : result.error).toMatch(/timed out/);
        expect(broken.requests.length - before).toBe(FAST.retries + 1);
      });

      it('stops at once when the caller aborts, without throwing', async () => {
        const controller = new AbortController();
        controller.abort(new Error('shutting down'));
        const n: AlertNotification = triggerOf();
        const result = await pointedAt(broken.url, { ...FAST, retries: 10 }).send(n, controller.signal);
        expect(result).toMatchObject({ ok: false, retriable: true });
        expect(result.attempts).toBeLessThanOrEqual(1);
      });
    });
  });
}
