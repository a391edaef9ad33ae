/**
 * start() honours the standard OTEL_* variables: endpoint, headers, protocol,
 * service name and resource attributes. A local HTTP server stands in for the
 * collector and shows what actually went over the wire.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, tool } from '../src/index.ts';

interface Received {
  path: string;
  contentType: string | undefined;
  tenantHeader: string | undefined;
  body: Buffer;
}

const received: Received[] = [];
let server: http.Server;
const saved = { ...process.env };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        tenantHeader: req.headers['x-api-key'] as string | undefined,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

describe('OTEL_* environment', () => {
  it('exports to OTEL_EXPORTER_OTLP_ENDPOINT with its headers, as protobuf by default, named by OTEL_SERVICE_NAME', async () => {
    const port = (server.address() as AddressInfo).port;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-api-key=secret-123';
    process.env.OTEL_SERVICE_NAME = 'env-named-service';
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.version=9.9.9,team=support';
    const telltale = start({
      metrics: { enabled: false },
      instrumentations: { http: false, express: false, undici: false },
      logLevel: 'none',
    });
    try {
      tool('env_probe', () => 1);
      await telltale.forceFlush();
      expect(telltale.stats().spansExported).toBe(1);
    } finally {
      await telltale.shutdown();
    }
    const traces = received.find((r) => r.path === '/v1/traces');
    expect(traces?.contentType).toBe('application/x-protobuf');
    expect(traces?.tenantHeader).toBe('secret-123');
    // Protobuf strings are stored as UTF-8 bytes, so the values are visible in the payload.
    const body = traces?.body.toString('latin1') ?? '';
    for (const text of ['env-named-service', '9.9.9', 'team', 'support', 'execute_tool env_probe']) {
      expect(body).toContain(text);
    }
  });

  it('sends JSON when OTEL_EXPORTER_OTLP_PROTOCOL is http/json', async () => {
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    received.length = 0;
    const telltale = start({
      metrics: { enabled: false },
      instrumentations: { http: false, express: false, undici: false },
      logLevel: 'none',
    });
    try {
      tool('json_probe', () => 1);
      await telltale.forceFlush();
    } finally {
      await telltale.shutdown();
    }
    const traces = received.find((r) => r.path === '/v1/traces');
    expect(traces?.contentType).toBe('application/json');
    expect(JSON.parse(traces?.body.toString() ?? '{}').resourceSpans[0].scopeSpans[0].spans[0].name).toBe(
      'execute_tool json_probe',
    );
  });
});
