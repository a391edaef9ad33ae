import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { channelSchema } from '../config/channels.ts';
import { createChannels } from './channel-factory.ts';
import { startFakePagerDuty } from './testing/fake-pagerduty.ts';
import { triggerOf } from './testing/notifications.ts';

describe('createChannels', () => {
  it('builds one channel per parsed config entry, of its type and name, in order', () => {
    const configs = [
      { name: 'pd', type: 'pagerduty', routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF' },
      { name: 'am', type: 'alertmanager', url: 'http://alertmanager:9093' },
      { name: 'hook', type: 'webhook', url: 'http://hooks.example.com/telltale' },
      { name: 'console', type: 'console' },
    ].map((c) => channelSchema.parse(c));
    expect(createChannels(configs).map((c) => [c.name, c.type])).toEqual([
      ['pd', 'pagerduty'],
      ['am', 'alertmanager'],
      ['hook', 'webhook'],
      ['console', 'console'],
    ]);
  });

  it('wires the parsed config through: a PagerDuty channel from config delivers to its url with its key', async () => {
    const pd = await startFakePagerDuty();
    try {
      const config = channelSchema.parse({
        name: 'pd',
        type: 'pagerduty',
        url: pd.endpoint,
        routingKey: 'R0UT1NGKEY0123456789abcdefABCDEF',
        source: 'alerts-7',
        timeout: '2s',
      });
      const [channel] = createChannels([config], { stream: new PassThrough() });
      expect(await channel?.send(triggerOf())).toEqual({ ok: true, attempts: 1 });
      expect(pd.events[0]).toMatchObject({
        routing_key: 'R0UT1NGKEY0123456789abcdefABCDEF',
        payload: { source: 'alerts-7' },
      });
    } finally {
      await pd.close();
    }
  });
});
