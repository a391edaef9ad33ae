import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, startPrometheus, waitUntil } from './index.ts';

describe('the real Prometheus', () => {
  let target: Server;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    // A tiny exposition endpoint, as the alert service will serve.
    target = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        '# HELP infra_probe_total A probe counter.\n# TYPE infra_probe_total counter\ninfra_probe_total{probe="a"} 42\n',
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const port = (target.address() as AddressInfo).port;
    prometheus = await startPrometheus({
      config: [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: probe',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => target?.close(resolve));
  });

  it('scrapes an endpoint and answers the scraped value through its query API', async () => {
    let value: string | undefined;
    await waitUntil(
      async () => {
        const result = await prometheus.query('infra_probe_total{job="probe"}');
        value = result[0]?.value[1];
        return value !== undefined;
      },
      { what: 'the probe series in Prometheus', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(value).toBe('42');
    const labels = (await prometheus.query('infra_probe_total'))[0]?.metric;
    expect(labels).toMatchObject({ __name__: 'infra_probe_total', probe: 'a', job: 'probe' });
  });
});
