import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PagerLogServer, startPagerLog } from './server.ts';

describe('the pager log webhook receiver', () => {
  const lines: string[] = [];
  let server: PagerLogServer;
  let url: string;

  beforeAll(async () => {
    server = await startPagerLog({
      host: '127.0.0.1',
      port: 0,
      write: (line) => lines.push(line),
      logger: pino({ level: 'silent' }),
      maxBodyBytes: 4096,
    });
    url = `http://127.0.0.1:${server.port}/alertmanager`;
  });
  afterAll(() => server?.close());

  const post = (body: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('prints one line per alert of an Alertmanager webhook payload', async () => {
    lines.length = 0;
    const payload = {
      version: '4',
      groupKey: '{}:{alertname="A"}',
      status: 'firing',
      receiver: 'telltale-webhook',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am',
      truncatedAlerts: 0,
      alerts: [
        { status: 'firing', labels: { alertname: 'A', tool: 't1' }, annotations: {}, startsAt: '2026-01-01T00:00:00Z' },
        {
          status: 'resolved',
          labels: { alertname: 'A', tool: 't2' },
          annotations: {},
          startsAt: '2026-01-01T00:00:00Z',
          endsAt: '2026-01-01T00:00:30Z',
        },
      ],
    };
    const res = await post(JSON.stringify(payload));
    expect(res.status).toBe(200);
    expect(lines).toEqual(['PAGE     [none] A tool=t1', 'RESOLVED [none] A tool=t2 (firing 30s)']);
  });

  it('answers 400 naming the field when the body is not a webhook payload', async () => {
    const res = await post(JSON.stringify({ version: '3', alerts: [] }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('version');
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await post('{nope');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not JSON');
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await post(JSON.stringify({ pad: 'x'.repeat(10_000) }));
    expect(res.status).toBe(413);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(res.status).toBe(200);
  });
});
