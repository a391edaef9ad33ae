import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager, waitUntil } from '../infra/index.ts';
import { alertmanagerPagerdutyConfig } from './deploy-files.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/**
 * The stack's Alertmanager with a PagerDuty routing key (what start.sh runs
 * when PAGERDUTY_ROUTING_KEY is set): the real Alertmanager 0.25 with
 * deploy/alertmanager/alertmanager.pagerduty.yml, pointed at a stand-in that
 * speaks the PagerDuty Events v2 contract. Critical alerts page and resolve
 * there with the key from the file; warnings only reach the webhook.
 */

interface PagerdutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; severity: string; source: string };
}

const ROUTING_KEY = 'e2e0routing0key0000000000000000a';
let dir = '';
let pagerduty: Server;
const events: PagerdutyEvent[] = [];
let webhook: WebhookReceiver;
let alertmanager: RunningAlertmanager;

async function postAlerts(alerts: unknown[]): Promise<void> {
  const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-am-pd-'));
  const keyFile = join(dir, 'pagerduty-routing-key');
  await writeFile(keyFile, ROUTING_KEY);
  pagerduty = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') {
        res.writeHead(404).end();
        return;
      }
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PagerdutyEvent;
      events.push(event);
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key }));
    });
  });
  await new Promise<void>((resolve) => pagerduty.listen(0, '127.0.0.1', resolve));
  const pdUrl = `http://127.0.0.1:${(pagerduty.address() as AddressInfo).port}/v2/enqueue`;
  webhook = await startWebhookReceiver();
  alertmanager = await startAlertmanager({ config: alertmanagerPagerdutyConfig(webhook.url, keyFile, pdUrl) });
});

afterAll(async () => {
  await alertmanager?.stop();
  await webhook?.close();
  await new Promise((r) => pagerduty?.close(r));
  await rm(dir, { recursive: true, force: true });
});

describe('deploy/alertmanager/alertmanager.pagerduty.yml in the real Alertmanager', () => {
  const startsAt = new Date().toISOString();
  const critical = {
    labels: { alertname: 'ToolSuccessBurnRate', severity: 'critical', service: 'svc', tool: 'lookup_order' },
    annotations: { summary: 'Tool lookup_order (svc) is failing' },
    startsAt,
  };
  const warning = {
    labels: { alertname: 'ToolSuccessBudgetTicket', severity: 'warning', service: 'svc', tool: 'search_kb' },
    annotations: { summary: 'search_kb used its budget' },
    startsAt,
  };

  it('pages PagerDuty for a critical alert, with the key from the file, and sends every alert to the webhook', async () => {
    await postAlerts([critical, warning]);
    await waitUntil(async () => events.length > 0 && webhook.received.length >= 2, {
      what: 'the PagerDuty trigger and both webhook notifications',
      timeoutMs: 60_000,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger' });
    expect(events[0]?.payload).toMatchObject({ severity: 'critical' });
    expect(events[0]?.payload?.summary).toContain('ToolSuccessBurnRate');
    const names = webhook.received.flatMap((n) => n.payload.alerts.map((a) => a.labels.alertname)).sort();
    expect(names).toEqual(['ToolSuccessBudgetTicket', 'ToolSuccessBurnRate']);
  }, 90_000);

  it('resolves the PagerDuty incident with the same dedup key', async () => {
    await postAlerts([{ ...critical, endsAt: new Date().toISOString() }]);
    await waitUntil(async () => events.some((e) => e.event_action === 'resolve'), {
      what: 'the PagerDuty resolve',
      timeoutMs: 90_000,
    });
    const [trigger, resolve] = [events[0], events.find((e) => e.event_action === 'resolve')];
    expect(resolve?.dedup_key).toBe(trigger?.dedup_key);
    expect(events.filter((e) => e.event_action === 'trigger')).toHaveLength(1);
  }, 120_000);
});
