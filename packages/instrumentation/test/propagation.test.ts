/**
 * Baggage across a real HTTP hop: a front service runs a workflow and calls a
 * back service over HTTP; the back service's tool span carries the tenant and
 * workflow name although it never saw the workflow call.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, SpanKind } from '@opentelemetry/api';
import { TELLTALE_TENANT_ID, TELLTALE_WORKFLOW_NAME } from '@telltale/conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tool, workflow } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk;
let back: http.Server;
let front: http.Server;
let backHeaders: http.IncomingHttpHeaders = {};

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

let frontPort = 0;
beforeAll(async () => {
  sdk = startTestSdk({ instrumentations: { http: true, express: false, undici: true } });
  back = http.createServer((req, res) => {
    backHeaders = req.headers;
    void tool('lookup_order', async () => ({ status: 'shipped' })).then((body) => res.end(JSON.stringify(body)));
  });
  const backPort = await listen(back);
  front = http.createServer((req, res) => {
    const tenant = new URL(req.url ?? '/', 'http://x').searchParams.get('tenant') ?? 'none';
    void workflow('order_status', { tenant }, async () => {
      const r = await fetch(`http://127.0.0.1:${backPort}/orders/1`);
      return r.text();
    }).then((body) => res.end(body));
  });
  frontPort = await listen(front);
});

afterAll(async () => {
  await new Promise((r) => back.close(r));
  await new Promise((r) => front.close(r));
  await sdk.stop();
});

describe('baggage propagation over HTTP', () => {
  it('carries tenant and workflow name to the spans of the called service', async () => {
    const res = await fetch(`http://127.0.0.1:${frontPort}/?tenant=acme`);
    expect(await res.json()).toEqual({ status: 'shipped' });

    expect(backHeaders.baggage).toContain('telltale.tenant.id=acme');
    expect(backHeaders.baggage).toContain('telltale.workflow.name=order_status');
    expect(backHeaders.traceparent).toMatch(/^00-[0-9a-f]{32}-/);

    const spans = await sdk.spans();
    const toolSpan = spans.find((s) => s.name === 'execute_tool lookup_order');
    const workflowSpan = spans.find((s) => s.name === 'invoke_workflow order_status');
    expect(toolSpan?.attributes[TELLTALE_TENANT_ID]).toBe('acme');
    expect(toolSpan?.attributes[TELLTALE_WORKFLOW_NAME]).toBe('order_status');
    // Same trace, joined through the HTTP client and server spans.
    expect(toolSpan?.spanContext().traceId).toBe(workflowSpan?.spanContext().traceId);
    // The back service's HTTP server span got the attributes too.
    const serverSpan = spans.find((s) => s.spanContext().spanId === toolSpan?.parentSpanContext?.spanId);
    expect(serverSpan?.kind).toBe(SpanKind.SERVER);
    expect(serverSpan?.attributes[TELLTALE_TENANT_ID]).toBe('acme');
  });
});

describe('baggage of long names', () => {
  it('still sends the baggage header when a tenant clipped to 256 characters would have ended in half an emoji', () => {
    const tenant = `a${'😀'.repeat(200)}`;
    const carrier: Record<string, string> = {};
    workflow('order_status', { tenant }, () => {
      propagation.inject(context.active(), carrier);
    });
    expect(carrier.baggage).toBeDefined();
    const sent = decodeURIComponent(/telltale\.tenant\.id=([^,;]*)/.exec(carrier.baggage ?? '')?.[1] ?? '');
    expect(sent.startsWith(`a${'😀'.repeat(100)}`)).toBe(true);
    expect(sent.isWellFormed()).toBe(true);
  });

  it('still sends the baggage header for a short tenant holding a lone surrogate (JSON can carry one)', () => {
    const carrier: Record<string, string> = {};
    workflow('order_status', { tenant: JSON.parse('"acme\\ud83d"') as string }, () => {
      propagation.inject(context.active(), carrier);
    });
    expect(decodeURIComponent(/telltale\.tenant\.id=([^,;]*)/.exec(carrier.baggage ?? '')?.[1] ?? '')).toBe(
      'acme\ufffd',
    );
    expect(decodeURIComponent(/telltale\.workflow\.name=([^,;]*)/.exec(carrier.baggage ?? '')?.[1] ?? '')).toBe(
      'order_status',
    );
  });
});
