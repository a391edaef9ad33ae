/**
 * Layers 1 and 2 come from OTel instrumentations; these tests prove start()
 * wires them. Layer 2 runs a real ESM express service in its own Node process
 * (the module runner of the test framework would bypass the import hook).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSdk, type TestSdk } from './harness.ts';

interface SpanSummary {
  name: string;
  kind: number;
  status: number;
  attributes: Record<string, unknown>;
  events: string[];
}

let spans: SpanSummary[] = [];
beforeAll(async () => {
  const fixture = fileURLToPath(new URL('./fixtures/express-app.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [fixture], { timeout: 30_000 });
  spans = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as SpanSummary[];
});

describe('layer 2: application', () => {
  it('records request path, route and status code of an express app', () => {
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/orders/42');
    expect(server?.name).toBe('GET /orders/:id');
    expect(server?.attributes['http.route']).toBe('/orders/:id');
    expect(server?.attributes['http.response.status_code']).toBe(200);
  });

  it('records a failing request as a 500 with the exception', () => {
    const server = spans.find((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/broken');
    expect(server?.attributes['http.response.status_code']).toBe(500);
    expect(server?.status).toBe(SpanStatusCode.ERROR);
    const handler = spans.find((s) => s.name.startsWith('request handler') && s.status === SpanStatusCode.ERROR);
    expect(handler?.events).toContain('exception');
  });
});

let sdk: TestSdk;
describe('layer 1: infrastructure', () => {
  beforeAll(() => {
    sdk = startTestSdk({ metrics: { hostMetrics: true, runtimeMetrics: true } });
  });
  afterAll(() => sdk.stop());

  it('collects host CPU/memory and Node runtime event-loop and heap metrics', async () => {
    // Block the loop a little so there is event-loop delay to observe.
    for (let i = 0; i < 5; i++) {
      const until = Date.now() + 30;
      while (Date.now() < until) {}
      await new Promise((r) => setTimeout(r, 30));
    }
    await sdk.collectMetrics();
    for (const name of [
      'process.cpu.utilization',
      'system.memory.usage',
      'nodejs.eventloop.delay.p99',
      'v8js.memory.heap.used',
    ]) {
      expect(sdk.metric(name), name).toBeDefined();
    }
  });
});
