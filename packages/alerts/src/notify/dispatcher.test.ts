import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createPager, type PagerOptions } from './dispatcher.ts';
import type { AlertNotification, DeliveryResult, NotificationChannel } from './notification.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';

/**
 * An in-memory channel whose answers the test scripts; the pager is pure
 * logic over the NotificationChannel interface, so this is its real input.
 */
function scriptedChannel(name: string, type: NotificationChannel['type'] = 'pagerduty') {
  const sent: AlertNotification[] = [];
  const answers: DeliveryResult[] = [];
  let gate: Promise<void> | undefined;
  const channel: NotificationChannel = {
    name,
    type,
    send: async (n) => {
      sent.push(n);
      if (gate) await gate;
      return answers.shift() ?? { ok: true, attempts: 1 };
    },
  };
  return {
    channel,
    sent,
    actions: () => sent.map((n) => n.action),
    fail: (retriable = true, times = 1) => {
      for (let i = 0; i < times; i++) answers.push({ ok: false, attempts: 3, retriable, error: 'HTTP 503 from pd' });
    },
    /** Holds every send until the returned function is called. */
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((r) => {
        release = r;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

const silent = pino({ level: 'silent' });
const pagerWith = (channels: NotificationChannel[], extra: Partial<PagerOptions> = {}) => {
  const deliveries: [string, boolean, number, string | undefined][] = [];
  const pager = createPager({
    channels,
    resendIntervalMs: 60_000,
    logger: silent,
    onDelivery: (c, ok, attempts, error) => deliveries.push([c, ok, attempts, error]),
    ...extra,
  });
  return { pager, deliveries };
};

describe('pager', () => {
  it('delivers a trigger and its resolve to every channel when there are no routes', async () => {
    const pd = scriptedChannel('pd');
    const hook = scriptedChannel('hook', 'webhook');
    const { pager, deliveries } = pagerWith([pd.channel, hook.channel]);
    const n = triggerOf();
    await pager.notify(n);
    await pager.notify(resolveOf(n));
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
    expect(hook.actions()).toEqual(['trigger', 'resolve']);
    expect(deliveries).toHaveLength(4);
    expect(pager.pending()).toEqual([]);
  });

  it('routes by rule and severity', async () => {
    const pd = scriptedChannel('pd');
    const hook = scriptedChannel('hook', 'webhook');
    const { pager } = pagerWith([pd.channel, hook.channel], {
      routes: [
        { severities: ['critical'], channels: ['pd'] },
        { rules: ['FallbackRateHigh'], channels: ['hook'] },
      ],
    });
    await pager.notify(triggerOf({ severity: 'critical' }));
    await pager.notify(triggerOf({ severity: 'warning', ruleName: 'FallbackRateHigh' }));
    await pager.notify(triggerOf({ severity: 'warning', ruleName: 'Other' }));
    expect(pd.sent.map((n) => n.ruleName)).toEqual(['ToolSuccessBurnRate']);
    expect(hook.sent.map((n) => n.ruleName)).toEqual(['FallbackRateHigh']);
  });

  it('refuses a route to a channel that does not exist', () => {
    expect(() => pagerWith([scriptedChannel('pd').channel], { routes: [{ channels: ['nope'] }] })).toThrow(
      /channel "nope"/,
    );
  });

  it('keeps a failed trigger in the outbox and delivers it on a later tick', async () => {
    const pd = scriptedChannel('pd');
    const { pager, deliveries } = pagerWith([pd.channel]);
    pd.fail(true, 2);
    const n = triggerOf();
    await pager.notify(n);
    expect(pager.pending()).toEqual([{ channel: 'pd', notification: n, failures: 1, lastError: 'HTTP 503 from pd' }]);
    await pager.tick();
    expect(pager.pending()).toHaveLength(1);
    await pager.tick();
    expect(pager.pending()).toEqual([]);
    expect(pd.actions()).toEqual(['trigger', 'trigger', 'trigger']);
    expect(deliveries.map(([, ok]) => ok)).toEqual([false, false, true]);
    await pager.tick();
    expect(pd.sent).toHaveLength(3);
  });

  it('lets a resolve supersede a trigger that was never delivered', async () => {
    const pd = scriptedChannel('pd');
    const { pager } = pagerWith([pd.channel]);
    pd.fail();
    const n = triggerOf();
    await pager.notify(n);
    await pager.notify(resolveOf(n));
    await pager.tick();
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
    expect(pager.pending()).toEqual([]);
  });

  it('never lets a resolve overtake its trigger still on the wire', async () => {
    const pd = scriptedChannel('pd');
    const { pager } = pagerWith([pd.channel]);
    const release = pd.hold();
    const n = triggerOf();
    const first = pager.notify(n);
    const second = pager.notify(resolveOf(n));
    expect(pd.actions()).toEqual(['trigger']);
    release();
    await Promise.all([first, second]);
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
  });

  it('pages once per incident: a repeated trigger only refreshes the numbers', async () => {
    const pd = scriptedChannel('pd');
    const { pager } = pagerWith([pd.channel]);
    const n = triggerOf();
    await pager.notify(n);
    await pager.notify({ ...n, values: { burn_rate_1h: 50 } });
    await pager.tick(Date.now() + 3_600_000);
    expect(pd.actions()).toEqual(['trigger']);
  });

  it('re-sends firing alerts to Alertmanager every resend interval, and stops after the resolve', async () => {
    let clock = 1_000_000;
    const am = scriptedChannel('am', 'alertmanager');
    const pd = scriptedChannel('pd');
    const { pager } = pagerWith([am.channel, pd.channel], { now: () => clock });
    const n = triggerOf();
    await pager.notify(n);
    await pager.notify({ ...n, values: { burn_rate_1h: 42 } });
    clock += 59_999;
    await pager.tick();
    expect(am.sent).toHaveLength(1);
    clock += 1;
    await pager.tick();
    expect(am.actions()).toEqual(['trigger', 'trigger']);
    expect(am.sent[1]?.values).toEqual({ burn_rate_1h: 42 });
    await pager.notify(resolveOf(n));
    clock += 120_000;
    await pager.tick();
    expect(am.actions()).toEqual(['trigger', 'trigger', 'resolve']);
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
  });

  it('retries a failed re-send on the next tick without calling it pending', async () => {
    let clock = 0;
    const am = scriptedChannel('am', 'alertmanager');
    const { pager } = pagerWith([am.channel], { now: () => clock });
    await pager.notify(triggerOf());
    clock = 60_000;
    am.fail();
    await pager.tick();
    expect(pager.pending()).toEqual([]);
    clock = 70_000;
    await pager.tick();
    expect(am.sent).toHaveLength(3);
  });

  it('does not retry a notification the channel refused, but still sends the resolve', async () => {
    const pd = scriptedChannel('pd');
    const { pager } = pagerWith([pd.channel]);
    pd.fail(false);
    const n = triggerOf();
    await pager.notify(n);
    await pager.tick();
    expect(pd.actions()).toEqual(['trigger']);
    // Still owed (it never reached a responder), kept for a restart, and not retried before one.
    expect(pager.pending()).toEqual([
      { channel: 'pd', notification: n, failures: 0, lastError: 'HTTP 503 from pd', refused: true },
    ]);
    await pager.notify(resolveOf(n));
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
    expect(pager.pending()).toEqual([]);
  });

  it('after a restart, sends no second trigger for restored alerts but re-sends them to Alertmanager', async () => {
    const pd = scriptedChannel('pd');
    const am = scriptedChannel('am', 'alertmanager');
    const n = triggerOf();
    const before = pagerWith([pd.channel, am.channel]).pager;
    await before.notify(n);
    await before.close();

    const after = pagerWith([pd.channel, am.channel]).pager;
    after.restore([n]);
    await after.notify(n);
    await after.tick();
    expect(pd.actions()).toEqual(['trigger']);
    expect(am.actions()).toEqual(['trigger', 'trigger']);
    await after.notify(resolveOf(n));
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
  });

  for (const [retriable, what] of [
    [true, 'a trigger that failed'],
    [false, 'a trigger the channel refused (the fixed channel config pages)'],
  ] as const)
    it(`after a restart, delivers what was still owed on the first tick, once: ${what}`, async () => {
      const pd = scriptedChannel('pd');
      const n = triggerOf();
      const before = pagerWith([pd.channel]).pager;
      pd.fail(retriable);
      await before.notify(n);
      const owed = before.pending();
      await before.close();

      const after = pagerWith([pd.channel]).pager;
      after.restore([n], owed);
      await after.tick();
      await after.tick();
      expect(pd.actions()).toEqual(['trigger', 'trigger']);
      expect(after.pending()).toEqual([]);
    });

  it('on close, aborts deliveries that outlast the drain time and keeps them pending', async () => {
    const slow: NotificationChannel = {
      name: 'slow',
      type: 'webhook',
      send: (_n, signal) =>
        new Promise<DeliveryResult>((resolve) => {
          signal?.addEventListener('abort', () =>
            resolve({ ok: false, attempts: 1, retriable: true, error: 'aborted' }),
          );
        }),
    };
    const { pager } = pagerWith([slow]);
    const n = triggerOf();
    const delivery = pager.notify(n);
    await pager.close(10);
    await delivery;
    expect(pager.pending()).toEqual([{ channel: 'slow', notification: n, failures: 1, lastError: 'aborted' }]);
    await pager.notify(resolveOf(n));
    expect(pager.pending()).toHaveLength(1);
  });

  it('holds a channel that throws to the contract: a retriable failure, kept for the next tick', async () => {
    let calls = 0;
    const flaky: NotificationChannel = {
      name: 'flaky',
      type: 'webhook',
      send: async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return { ok: true, attempts: 1 };
      },
    };
    const { pager, deliveries } = pagerWith([flaky]);
    await pager.notify(triggerOf());
    expect(deliveries).toEqual([['flaky', false, 1, 'channel threw: boom']]);
    expect(pager.pending()).toHaveLength(1);
    await pager.tick();
    expect(pager.pending()).toEqual([]);
  });

  it('keeps going when onDelivery throws', async () => {
    const pd = scriptedChannel('pd');
    const pager = createPager({
      channels: [pd.channel],
      resendIntervalMs: 60_000,
      logger: silent,
      onDelivery: () => {
        throw new Error('metrics broke');
      },
    });
    const n = triggerOf();
    await pager.notify(n);
    await pager.notify(resolveOf(n));
    expect(pd.actions()).toEqual(['trigger', 'resolve']);
  });
});
