import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager, waitUntil } from '../../../../test/infra/index.ts';
import { alertLabels, createAlertmanagerChannel } from './alertmanager.ts';
import { createPager } from './dispatcher.ts';
import { labelsFingerprint } from './labels.ts';
import { describeChannelContract } from './testing/channel-contract.ts';
import { startTestServer, type TestServer } from './testing/http-server.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';
import { toWebhookPayload, type WebhookAlert, type WebhookPayload } from './webhook.ts';

/** Alertmanager resolves an alert nobody re-sends after this long. */
const RESOLVE_TIMEOUT_S = 4;
const policy = { timeout: 5_000, retries: 2, minBackoff: 50, maxBackoff: 500 };

/** The real Alertmanager, one group per alert, delivering to a webhook receiver this test runs. */
async function startStack(): Promise<{ am: RunningAlertmanager; hook: TestServer; alerts: () => WebhookAlert[] }> {
  const hook = await startTestServer();
  const am = await startAlertmanager({
    config: [
      'global:',
      `  resolve_timeout: ${RESOLVE_TIMEOUT_S}s`,
      'route:',
      '  receiver: hook',
      "  group_by: ['...']",
      '  group_wait: 100ms',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${hook.url}/hook`,
      '        send_resolved: true',
    ].join('\n'),
  });
  const alerts = () => hook.requests.flatMap((r) => (r.body as WebhookPayload).alerts);
  return { am, hook, alerts };
}

const statusesOf = (alerts: WebhookAlert[], n: string) => alerts.filter((a) => a.labels.n === n).map((a) => a.status);

describeChannelContract({
  type: 'alertmanager',
  start: async () => {
    const { am, hook, alerts } = await startStack();
    return {
      channel: createAlertmanagerChannel({ name: 'am', url: am.url, ...policy }),
      received: async (dedupKey, count) => {
        const n = dedupKey.slice(dedupKey.lastIndexOf('n=') + 2);
        await waitUntil(async () => statusesOf(alerts(), n).length >= count, {
          what: `${count} webhook deliveries of alert n=${n} from Alertmanager`,
          timeoutMs: 30_000,
        });
        return statusesOf(alerts(), n).map((s) => (s === 'firing' ? 'trigger' : 'resolve'));
      },
      close: async () => {
        await am.stop();
        await hook.close();
      },
    };
  },
  pointedAt: (url, p) => createAlertmanagerChannel({ name: 'am', url, ...p }),
});

describe('the pager through the real Alertmanager to a webhook', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.am.stop();
    await stack?.hook.close();
  });

  it('keeps a firing alert alive past resolve_timeout by re-sending it, then delivers its resolve', async () => {
    const channel = createAlertmanagerChannel({ name: 'am', url: stack.am.url, ...policy });
    const pager = createPager({
      channels: [channel],
      resendIntervalMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    const kept = triggerOf({ startsAt: new Date() });
    const left = triggerOf({ startsAt: new Date() });
    const n = (t: typeof kept) => t.labels.n ?? '';

    await pager.notify(kept);
    // The control alert goes to Alertmanager once, outside the pager: nobody re-sends it.
    expect(await channel.send(left)).toEqual({ ok: true, attempts: 1 });
    await waitUntil(
      async () =>
        statusesOf(stack.alerts(), n(kept)).includes('firing') &&
        statusesOf(stack.alerts(), n(left)).includes('firing'),
      { what: 'both alerts firing at the webhook', timeoutMs: 30_000 },
    );

    // Drive the pager as the service does, until Alertmanager has timed out the control alert.
    await waitUntil(
      async () => {
        await pager.tick();
        return statusesOf(stack.alerts(), n(left)).includes('resolved');
      },
      { what: 'Alertmanager resolving the alert nobody re-sent', timeoutMs: 30_000, intervalMs: 250 },
    );
    for (let i = 0; i < 4; i++) {
      await pager.tick();
      await sleep(250);
    }
    expect(statusesOf(stack.alerts(), n(kept))).toEqual(['firing']);
    const active = (await (await fetch(`${stack.am.url}/api/v2/alerts?filter=n%3D%22${n(kept)}%22`)).json()) as {
      status: { state: string };
    }[];
    expect(active.map((a) => a.status.state)).toEqual(['active']);

    const endsAt = new Date();
    await pager.notify(resolveOf(kept, endsAt));
    await waitUntil(async () => statusesOf(stack.alerts(), n(kept)).includes('resolved'), {
      what: 'the resolved notification at the webhook',
      timeoutMs: 30_000,
    });
    expect(statusesOf(stack.alerts(), n(kept))).toEqual(['firing', 'resolved']);
    const resolved = stack.alerts().find((a) => a.labels.n === n(kept) && a.status === 'resolved');
    expect(Date.parse(resolved?.endsAt ?? '')).toBe(endsAt.getTime());
    // Our webhook channel's fingerprint is the one Alertmanager computes for the same labels.
    expect(resolved?.fingerprint).toBe(labelsFingerprint(alertLabels(kept)));
    expect(resolved?.labels).toEqual(alertLabels(kept));
    // And our webhook payload has exactly the fields Alertmanager's own has, at both levels.
    const theirs = stack.hook.requests
      .map((r) => r.body as WebhookPayload)
      .find((p) => p.alerts[0]?.labels.n === n(kept));
    const ours = toWebhookPayload(kept, 'hook');
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs ?? {}).sort());
    expect(Object.keys(ours.alerts[0] ?? {}).sort()).toEqual(Object.keys(theirs?.alerts[0] ?? {}).sort());
    expect(theirs?.version).toBe('4');
    await pager.close();
  });
});
