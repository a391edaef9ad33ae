import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from './labels.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';
import { toWebhookPayload } from './webhook.ts';

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
