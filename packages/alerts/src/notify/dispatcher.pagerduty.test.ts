import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPager } from './dispatcher.ts';
import { createPagerDutyChannel } from './pagerduty.ts';
import { type FakePagerDuty, startFakePagerDuty } from './testing/fake-pagerduty.ts';
import { resolveOf, triggerOf } from './testing/notifications.ts';

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

describe('pager and PagerDuty channel through an outage and a restart', () => {
  let pd: FakePagerDuty;
  beforeAll(async () => {
    pd = await startFakePagerDuty();
  });
  afterAll(async () => {
    await pd?.close();
  });

  const newPager = () => {
    const failures: string[] = [];
    const pager = createPager({
      channels: [
        createPagerDutyChannel({
          name: 'pd',
          url: pd.endpoint,
          routingKey: KEY,
          timeout: 1000,
          retries: 2,
          minBackoff: 1,
          maxBackoff: 5,
        }),
      ],
      resendIntervalMs: 60_000,
      logger: pino({ level: 'silent' }),
      onDelivery: (_c, ok, _a, error) => {
        if (!ok && error) failures.push(error);
      },
    });
    return { pager, failures };
  };

  it('holds the trigger through the outage, pages once, resolves once, and pages no more after a restart', async () => {
    const n = triggerOf();
    const first = newPager();
    // The whole first delivery fails (3 attempts): 500, 429, then no answer.
    pd.script({ status: 500 }, { status: 429 }, 'hang');
    await first.pager.notify(n);
    expect(pd.events).toHaveLength(0);
    expect(first.failures).toHaveLength(1);
    expect(first.pager.pending()).toHaveLength(1);

    await first.pager.tick();
    expect(pd.events.map((e) => e.event_action)).toEqual(['trigger']);
    expect(first.pager.pending()).toEqual([]);
    await first.pager.notify(n);
    await first.pager.close();

    const second = newPager();
    second.pager.restore([n]);
    await second.pager.tick();
    await second.pager.notify(n);
    await second.pager.notify(resolveOf(n));
    expect(pd.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', n.dedupKey],
      ['resolve', n.dedupKey],
    ]);
    expect(pd.invalid).toEqual([]);
    await second.pager.close();
  });
});
