import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPagerDutyChannel,
  PAGERDUTY_DEDUP_KEY_MAX,
  PAGERDUTY_SUMMARY_MAX,
  pagerDutyDedupKey,
  toPagerDutyEvent,
} from './pagerduty.ts';
import { type FakePagerDuty, startFakePagerDuty } from './testing/fake-pagerduty.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

describe('toPagerDutyEvent', () => {
  it('maps a trigger to an Events v2 trigger with the numbers, labels and links', () => {
    const n = triggerOf();
    const e = toPagerDutyEvent(n, KEY, 'alerts-1');
    expect(e).toMatchObject({
      routing_key: KEY,
      event_action: 'trigger',
      dedup_key: n.dedupKey,
      payload: {
        summary: n.annotations.summary,
        source: 'alerts-1',
        severity: 'critical',
        timestamp: '2026-11-23T21:00:00.000Z',
        component: 'search',
        group: 'support',
        class: 'ToolSuccessBurnRate',
        custom_details: { values: n.values, labels: n.labels, link: n.generatorURL },
      },
      client_url: n.generatorURL,
    });
    expect(e.links).toEqual([
      { href: n.generatorURL, text: 'Alert in telltale' },
      { href: 'https://runbooks.example.com/tool-success', text: 'Runbook' },
    ]);
  });

  it('maps a resolve to the bare resolve event PagerDuty documents', () => {
    const n = triggerOf();
    expect(toPagerDutyEvent(resolveOf(n), KEY, 'h')).toEqual({
      routing_key: KEY,
      event_action: 'resolve',
      dedup_key: n.dedupKey,
    });
  });

  it('truncates a summary over 1024 characters', () => {
    const e = toPagerDutyEvent(triggerOf({ annotations: { summary: 'x'.repeat(5_000) } }), KEY, 'h');
    expect(e.payload?.summary).toHaveLength(PAGERDUTY_SUMMARY_MAX);
    expect(e.payload?.summary.endsWith('…')).toBe(true);
  });

  it('builds a summary from the rule and labels when the rule has none', () => {
    const e = toPagerDutyEvent(triggerOf({ annotations: {}, labels: { alertname: 'R', tool: 'search' } }), KEY, 'h');
    expect(e.payload?.summary).toBe('ToolSuccessBurnRate (tool=search)');
  });

  it('shortens dedup keys over 255 characters stably and distinctly', () => {
    const a = `k${'a'.repeat(400)}`;
    const b = `k${'a'.repeat(399)}b`;
    expect(pagerDutyDedupKey(a)).toHaveLength(PAGERDUTY_DEDUP_KEY_MAX);
    expect(pagerDutyDedupKey(a)).toBe(pagerDutyDedupKey(a));
    expect(pagerDutyDedupKey(a)).not.toBe(pagerDutyDedupKey(b));
    expect(pagerDutyDedupKey('short')).toBe('short');
  });
});

describe('PagerDuty channel against a server speaking the Events v2 contract', () => {
  let pd: FakePagerDuty;
  const channel = () =>
    createPagerDutyChannel({
      name: 'pd',
      url: pd.endpoint,
      routingKey: KEY,
      source: 'alerts-test',
      // Short for the hang, long enough that a stalled event loop does not time out an answered request.
      timeout: 1000,
      retries: 3,
      minBackoff: 1,
      maxBackoff: 10,
    });
  beforeAll(async () => {
    pd = await startFakePagerDuty();
  });
  afterAll(async () => {
    await pd?.close();
  });
  beforeEach(() => {
    pd.requests.length = 0;
    pd.events.length = 0;
    pd.invalid.length = 0;
  });

  it('delivers the trigger once on 202, valid per the contract', async () => {
    const n = triggerOf();
    expect(await channel().send(n)).toEqual({ ok: true, attempts: 1 });
    expect(pd.invalid).toEqual([]);
    expect(pd.events).toHaveLength(1);
    expect(pd.events[0]).toMatchObject({ event_action: 'trigger', dedup_key: n.dedupKey });
  });

  it('does not retry a 400', async () => {
    pd.script({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid' } });
    const result = await channel().send(triggerOf());
    expect(result).toMatchObject({ ok: false, attempts: 1, retriable: false });
    expect(result.ok ? '' : result.error).toMatch(/HTTP 400/);
    expect(pd.requests).toHaveLength(1);
    expect(pd.events).toHaveLength(0);
  });

  it('retries 429 and 500 and hangs, then the trigger arrives exactly once', async () => {
    pd.script({
      status: 429,
      body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' },
    });
    pd.script({ status: 500, body: {} }, 'hang');
    const n = triggerOf();
    expect(await channel().send(n)).toEqual({ ok: true, attempts: 4 });
    expect(pd.requests).toHaveLength(4);
    expect(pd.events).toHaveLength(1);
    expect(pd.events[0]?.dedup_key).toBe(n.dedupKey);
  });

  it('bounds its attempts when PagerDuty keeps failing', async () => {
    pd.script(...Array.from({ length: 4 }, () => ({ status: 503 })));
    const result = await channel().send(triggerOf());
    expect(result).toMatchObject({ ok: false, attempts: 4, retriable: true });
    expect(pd.requests).toHaveLength(4);
  });

  it('sends the resolve with the trigger dedup_key', async () => {
    const n = triggerOf();
    expect(await channel().send(n)).toEqual({ ok: true, attempts: 1 });
    expect(await channel().send(resolveOf(n))).toEqual({ ok: true, attempts: 1 });
    expect(pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', n.dedupKey],
      ['resolve', n.dedupKey],
    ]);
    expect(pd.invalid).toEqual([]);
  });
});
