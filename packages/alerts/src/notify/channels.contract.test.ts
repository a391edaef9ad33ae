import { PassThrough } from 'node:stream';
import { createConsoleChannel } from './console.ts';
import { createPagerDutyChannel, type PagerDutyEvent } from './pagerduty.ts';
import { describeChannelContract } from './testing/channel-contract.ts';
import { startFakePagerDuty } from './testing/fake-pagerduty.ts';
import { startTestServer } from './testing/http-server.ts';
import { createWebhookChannel, type WebhookPayload } from './webhook.ts';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const policy = { timeout: 2_000, retries: 2, minBackoff: 1, maxBackoff: 5 };

describeChannelContract({
  type: 'pagerduty',
  start: async () => {
    const pd = await startFakePagerDuty();
    return {
      channel: createPagerDutyChannel({ name: 'pd', url: pd.endpoint, routingKey: ROUTING_KEY, ...policy }),
      received: async (dedupKey) =>
        pd.events.filter((e: PagerDutyEvent) => e.dedup_key === dedupKey).map((e) => e.event_action as 'trigger'),
      close: () => pd.close(),
    };
  },
  pointedAt: (url, p) =>
    createPagerDutyChannel({ name: 'pd', url: `${url}/v2/enqueue`, routingKey: ROUTING_KEY, ...p }),
});

describeChannelContract({
  type: 'webhook',
  start: async () => {
    const hook = await startTestServer();
    return {
      channel: createWebhookChannel({ name: 'hook', url: `${hook.url}/hook`, ...policy }),
      received: async (dedupKey) =>
        hook.requests
          .map((r) => r.body as WebhookPayload)
          .filter((p) => p.alerts[0]?.labels.n !== undefined && dedupKey.endsWith(`n=${p.alerts[0].labels.n}`))
          .map((p) => (p.status === 'firing' ? 'trigger' : 'resolve')),
      close: () => hook.close(),
    };
  },
  pointedAt: (url, p) => createWebhookChannel({ name: 'hook', url: `${url}/hook`, ...p }),
});

describeChannelContract({
  type: 'console',
  start: async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => {
      text += c.toString();
    });
    return {
      channel: createConsoleChannel({ name: 'console', stream }),
      received: async (dedupKey) => {
        const n = dedupKey.slice(dedupKey.lastIndexOf('n=') + 2);
        return text
          .split('\n')
          .filter((line) => new RegExp(` n=${n}[ :]`).test(line))
          .map((line) => (line.includes(' FIRING ') ? 'trigger' : 'resolve'));
      },
      close: async () => {
        stream.end();
      },
    };
  },
});
