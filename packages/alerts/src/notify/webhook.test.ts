import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from './labels.ts';
import { startTestServer } from './testing/http-server.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';
import { createWebhookChannel, toWebhookPayload, type WebhookPayload } from './webhook.ts';

describe('toWebhookPayload', () => {
  it('builds an Alertmanager version "4" payload for a firing alert', () => {
    const n = triggerOf({ labels: { alertname: 'ToolSuccessBurnRate', tool: 'search' } });
    const p = toWebhookPayload(n, 'hook', 'https://telltale.example.com');
    const labels = { alertname: 'ToolSuccessBurnRate', tool: 'search', severity: 'critical' };
    expect(p).toEqual({
      version: '4',
      groupKey: '{}:{alertname="ToolSuccessBurnRate", severity="critical", tool="search"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'hook',
      groupLabels: labels,
      commonLabels: labels,
      commonAnnotations: n.annotations,
      externalURL: 'https://telltale.example.com',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: n.annotations,
          startsAt: '2026-11-23T21:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: n.generatorURL,
          fingerprint: labelsFingerprint(labels),
        },
      ],
    });
  });

  it('marks a resolve resolved with its endsAt and the same fingerprint and groupKey', () => {
    const n = triggerOf();
    const firing = toWebhookPayload(n, 'hook');
    const resolved = toWebhookPayload(resolveOf(n, new Date('2026-11-23T22:00:00.000Z')), 'hook');
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2026-11-23T22:00:00.000Z' });
    expect(resolved.alerts[0]?.fingerprint).toBe(firing.alerts[0]?.fingerprint);
    expect(resolved.groupKey).toBe(firing.groupKey);
  });

  it('defaults externalURL to the origin of the generatorURL', () => {
    expect(toWebhookPayload(triggerOf(), 'hook').externalURL).toBe('http://telltale.example.com:9465');
  });
});

describe('webhook channel', () => {
  it('posts version "4" payloads, firing then resolved, with the configured headers', async () => {
    const receiver = await startTestServer();
    try {
      const channel = createWebhookChannel({
        name: 'ops-hook',
        url: `${receiver.url}/alerts`,
        headers: { authorization: 'Bearer s3cret' },
        externalURL: 'https://telltale.example.com',
        timeout: 2_000,
        retries: 0,
        minBackoff: 1,
        maxBackoff: 1,
      });
      const n = triggerOf();
      expect(await channel.send(n)).toEqual({ ok: true, attempts: 1 });
      expect(await channel.send(resolveOf(n))).toEqual({ ok: true, attempts: 1 });
      expect(receiver.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
        ['POST', '/alerts', 'Bearer s3cret'],
        ['POST', '/alerts', 'Bearer s3cret'],
      ]);
      const bodies = receiver.requests.map((r) => r.body as WebhookPayload);
      expect(bodies.map((b) => [b.version, b.status, b.receiver, b.alerts[0]?.status])).toEqual([
        ['4', 'firing', 'ops-hook', 'firing'],
        ['4', 'resolved', 'ops-hook', 'resolved'],
      ]);
    } finally {
      await receiver.close();
    }
  });
});
