import { join } from 'node:path';
import { createAlertService } from '../src/service/create.ts';
import { describeSourceContract } from './source-contract.ts';

const TOKEN = 'contract-token-0123456789';

const start = (dir: string) =>
  createAlertService({
    kafka: { enabled: false },
    server: { host: '127.0.0.1', port: 0, token: TOKEN },
    state: { dir: join(dir, 'state') },
    rules: { evaluationInterval: '1h' },
    log: { level: 'silent' },
  });

describeSourceContract('in-process', async (dir) => {
  const service = await start(dir);
  return {
    service,
    send: async (records) => {
      for (const r of records) service.apply(r);
    },
    close: () => service.stop(),
  };
});

describeSourceContract('HTTP (POST /api/v1/aggregates)', async (dir) => {
  const service = await start(dir);
  return {
    service,
    // One record per request: an invalid record refuses its request (400), not the ones after it.
    send: async (records) => {
      for (const r of records) {
        const res = await fetch(`${service.url}/api/v1/aggregates`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(r),
        });
        await res.body?.cancel();
        if (res.status !== 200 && res.status !== 400) throw new Error(`unexpected ${res.status}`);
      }
    },
    close: () => service.stop(),
  };
});
