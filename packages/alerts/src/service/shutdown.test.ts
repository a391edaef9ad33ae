/**
 * Stopping the alert service mid-incident: nothing is evaluated once it is
 * closing (an evaluation the pager could not send would be saved as done),
 * a channel that does not answer gets the drain time, not every retry, and
 * what was not delivered goes out after the restart.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchMinute } from '../../test/aggregates.ts';
import { parseConfig } from '../config/load.ts';
import type { AlertsConfigInput } from '../config/schema.ts';
import { startTestServer, type TestServer } from '../notify/testing/http-server.ts';
import type { WebhookPayload } from '../notify/webhook.ts';
import { AlertService } from './alert-service.ts';
import { createAlertService, type RunningAlertService } from './create.ts';

const RULES = `
rules:
  - name: SearchFailing
    kind: tool_success
    mode: threshold
    threshold: 0.9
    window: 1m
    min_volume: 10
    severity: critical
`;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

let dir: string;
let hook: TestServer;
let clock: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-alerts-shutdown-'));
  await writeFile(join(dir, 'rules.yaml'), RULES);
  hook = await startTestServer();
  clock = T0;
});

afterEach(async () => {
  await hook.close();
  await rm(dir, { recursive: true, force: true });
});

function config(channel: Record<string, unknown>): AlertsConfigInput {
  return {
    kafka: { enabled: false },
    server: { host: '127.0.0.1', port: 0 },
    state: { dir: join(dir, 'state') },
    rules: { file: join(dir, 'rules.yaml'), evaluationInterval: '1h' },
    channels: [channel],
    log: { level: 'silent' },
  } as AlertsConfigInput;
}

const start = (channel: Record<string, unknown>): Promise<RunningAlertService> =>
  createAlertService(config(channel), { now: () => clock });

/** One minute of 10 s windows ending at the clock, `ratio` of 100 search calls succeeding in each. */
const minuteOf = (ratio: number) => searchMinute(clock, ratio);

/** A service that saw search fail for a minute, evaluated (the alert fires) and stopped. */
async function firedAndStopped(channel: Record<string, unknown>): Promise<RunningAlertService> {
  const first = await start(channel);
  for (const a of minuteOf(0.5)) first.apply(a);
  await first.evaluate();
  await first.stop();
  return first;
}

const statuses = () => hook.requests.map((r) => (r.body as WebhookPayload).status);

describe('stopping the alert service', () => {
  it('evaluates nothing once closed, so a resolve it could not send still goes out after the restart', async () => {
    const webhook = { name: 'hook', type: 'webhook', url: `${hook.url}/alerts`, retries: 0 };
    const first = await start(webhook);
    for (const a of minuteOf(0.5)) first.apply(a);
    expect((await first.evaluate()).map((n) => n.action)).toEqual(['trigger']);
    clock += 60_000;
    for (const a of minuteOf(1)) first.apply(a);
    await first.stop();
    // A late POST /api/v1/evaluate, or a timer that fired while stopping.
    expect(await first.service.evaluate()).toEqual([]);
    expect(statuses()).toEqual(['firing']);

    const second = await start(webhook);
    try {
      expect((await second.evaluate()).map((n) => n.action)).toEqual(['resolve']);
      expect(statuses()).toEqual(['firing', 'resolved']);
    } finally {
      await second.stop();
    }
  });

  it('gives a channel that does not answer the drain time, not all its retries, and the trigger stays owed', async () => {
    const hanging = await startTestServer(() => 'hang');
    try {
      const pd = {
        name: 'pd',
        type: 'pagerduty',
        routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF',
        url: `${hanging.url}/v2/enqueue`,
        timeout: '2s',
        retries: 5,
        minBackoff: '100ms',
        maxBackoff: '200ms',
      };
      const first = await start(pd);
      for (const a of minuteOf(0.5)) first.apply(a);
      const evaluating = first.evaluate();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.stop();
      await evaluating;
      // Six attempts of 2 s each would take over 12 s; the 5 s drain cuts them short.
      expect(hanging.requests.length).toBeGreaterThan(0);
      expect(hanging.requests.length).toBeLessThan(6);

      const second = await start({ ...pd, url: `${hook.url}/v2/enqueue`, retries: 0 });
      try {
        await second.evaluate();
        expect(hook.requests.map((r) => (r.body as { event_action: string }).event_action)).toEqual(['trigger']);
      } finally {
        await second.stop();
      }
    } finally {
      await hanging.close();
    }
  });

  it('pages after a restart when PagerDuty refused the trigger before it (a bad routing key, fixed since)', async () => {
    const pd = {
      name: 'pd',
      type: 'pagerduty',
      routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF',
      url: `${hook.url}/v2/enqueue`,
    };
    hook.script({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid' } });
    await firedAndStopped(pd);
    const second = await start(pd);
    try {
      await second.evaluate();
      const actions = hook.requests.map((r) => (r.body as { event_action: string }).event_action);
      expect(actions).toEqual(['trigger', 'trigger']);
      expect(second.service.pager.pending()).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('re-sends an alert restored as firing with a link to where the service listens now, not a placeholder', async () => {
    const am = { name: 'am', type: 'alertmanager', url: hook.url, retries: 0 };
    const first = await firedAndStopped(am);
    const second = await start(am);
    try {
      clock += 60_000; // past the resend interval: the restored alert goes to Alertmanager again
      for (const a of minuteOf(0.5)) second.apply(a);
      await second.evaluate();
      const links = hook.requests.map((r) => (r.body as { generatorURL: string }[])[0]?.generatorURL);
      expect(links).toHaveLength(2);
      expect(links[0]).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${first.port}/api/v1/alerts/SearchFailing`));
      expect(links[1]).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${second.port}/api/v1/alerts/SearchFailing`));
    } finally {
      await second.stop();
    }
  });

  it('links notifications to the configured external URL from the start, before the server listens', async () => {
    // The alerts restored as firing are re-sent to Alertmanager with links made before the server listens.
    const c = parseConfig({
      ...config({ name: 'hook', type: 'webhook', url: `${hook.url}/alerts` }),
      server: { host: '127.0.0.1', port: 0, externalUrl: 'https://alerts.example.com/' },
    });
    const service = new AlertService(c, { logger: pino({ level: 'silent' }) });
    try {
      expect(service.baseUrl).toBe('https://alerts.example.com');
    } finally {
      await service.close();
    }
  });
});
