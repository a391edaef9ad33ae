/**
 * The assistant over HTTP, as the demo drives it: requests through express,
 * the tally endpoint, and switching a tool's failure on and off at run time.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant } from './assistant.ts';
import { createServer } from './server.ts';
import type { TallySnapshot } from './tally.ts';
import { runWorkload, sendOverHttp } from './workload.ts';

let server: Server;
let baseUrl = '';

beforeAll(async () => {
  const assistant = createAssistant({ overloadRate: 0, seed: 5 });
  server = createServer(assistant, pino({ level: 'silent' })).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const tally = async (): Promise<TallySnapshot> => (await (await fetch(`${baseUrl}/tally`)).json()) as TallySnapshot;

describe('support assistant server', () => {
  it('answers support requests and tallies them', async () => {
    const replies = await runWorkload(sendOverHttp(baseUrl), { count: 20, tenants: ['acme', 'globex'] });
    expect(replies).toHaveLength(20);
    for (const r of replies) expect(r.traceId).toMatch(/^[0-9a-f]{32}$|^0{32}$/);
    const t = await tally();
    expect(Object.values(t.workflows).reduce((a, b) => a + b, 0)).toBe(20);
    expect(Object.keys(t.workflowsByTenant).sort()).toEqual(['acme', 'globex']);
  });

  it('makes a tool fail after POST /failing-tool, and stop failing after it is cleared', async () => {
    const before = await tally();
    const switchTool = (body: unknown) =>
      fetch(`${baseUrl}/failing-tool`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await switchTool({ tool: 'lookup_order' })).status).toBe(204);
    await runWorkload(sendOverHttp(baseUrl), { count: 10, seed: 2 });
    const during = await tally();
    expect(during.tools.lookup_order?.failure ?? 0).toBeGreaterThan(before.tools.lookup_order?.failure ?? 0);
    expect((await switchTool({ tool: null })).status).toBe(204);
    await runWorkload(sendOverHttp(baseUrl), { count: 10, seed: 2 });
    const after = await tally();
    expect(after.tools.lookup_order?.failure).toBe(during.tools.lookup_order?.failure);
  });

  it('rejects a malformed request with 400 and says what is wrong', async () => {
    const res = await fetch(`${baseUrl}/support`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: '' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/tenant|message/);
  });
});
