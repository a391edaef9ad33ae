import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager, waitUntil } from './index.ts';

interface WebhookPayload {
  version: string;
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

describe('the real Alertmanager', () => {
  let receiver: Server;
  const deliveries: WebhookPayload[] = [];
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        deliveries.push(JSON.parse(body) as WebhookPayload);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    alertmanager = await startAlertmanager({
      config: [
        'route:',
        '  receiver: hook',
        '  group_by: [alertname]',
        '  group_wait: 100ms',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: hook',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${port}/hook`,
        '        send_resolved: true',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('accepts an alert on its v2 API and delivers it, firing then resolved, to a webhook', async () => {
    const startsAt = new Date().toISOString();
    const post = async (endsAt?: string) => {
      const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { labels: { alertname: 'InfraProbe', tool: 'search' }, annotations: { summary: 'probe' }, startsAt, endsAt },
        ]),
      });
      expect(res.status).toBe(200);
    };
    await post();
    await waitUntil(async () => deliveries.some((d) => d.status === 'firing'), {
      what: 'firing notification at the webhook',
      timeoutMs: 30_000,
    });
    await post(new Date().toISOString());
    await waitUntil(async () => deliveries.some((d) => d.status === 'resolved'), {
      what: 'resolved notification at the webhook',
      timeoutMs: 30_000,
    });
    const firing = deliveries.find((d) => d.status === 'firing');
    expect(firing?.version).toBe('4');
    expect(firing?.alerts[0]?.labels).toMatchObject({ alertname: 'InfraProbe', tool: 'search' });
  });
});
