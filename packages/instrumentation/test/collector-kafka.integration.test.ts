/**
 * End to end through real parts: an instrumented service exports OTLP/HTTP
 * protobuf to the real collector (deploy/collector.yaml), whose kafka exporter
 * writes the spans to a real Kafka topic. The records must decode back to the
 * spans and attributes that were sent, keyed by the trace id.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOOL_NAME,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  SERVICE_NAME,
  SERVICE_VERSION,
  TELLTALE_COST_SOURCE,
  TELLTALE_COST_USD,
  TELLTALE_FALLBACK_FROM,
  TELLTALE_FALLBACK_TO,
  TELLTALE_SAFETY_EVENT,
  TELLTALE_SAFETY_KIND,
  TELLTALE_TENANT_ID,
  TELLTALE_TOOL_ATTEMPT,
  TELLTALE_VERSION_PROMPT,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
} from '@telltale/conventions';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTopics,
  freePort,
  kafkaBrokers,
  type RunningCollector,
  startCollector,
  uniqueTopic,
  waitUntil,
} from '../../../test/infra/index.ts';
import { fallback, modelCall, start, type Telltale, tool, workflow } from '../src/index.ts';
import { type DecodedResourceSpans, type DecodedSpan, decodeTracesData } from './otlp-proto.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const TENANTS = ['acme', 'globex', 'initech'];

class ToolTimeoutError extends Error {}

/** The small instrumented service: one workflow per request, with a model call, tools and a fallback. */
function createService(): http.Server {
  return http.createServer((req, res) => {
    const tenant = new URL(req.url ?? '/', 'http://x').searchParams.get('tenant') ?? 'none';
    void workflow('refund_request', { tenant }, async (wf) => {
      await modelCall({ provider: 'anthropic', model: 'claude-sonnet-4-5' }, async (call) => {
        call.setCost(0.0125);
        return {
          id: 'msg_1',
          model: 'claude-sonnet-4-5-20250929',
          stop_reason: 'end_turn',
          usage: { input_tokens: 100, output_tokens: 40, cache_read_input_tokens: 20, cache_creation_input_tokens: 0 },
        };
      });
      await tool('lookup_order', { attempt: 1 }, async () => {
        throw new ToolTimeoutError('order service timed out');
      }).catch(() => undefined);
      await tool('lookup_order', { attempt: 2 }, async () => ({ id: 7 }));
      fallback({ from: 'claude-sonnet-4-5', to: 'claude-haiku-4-5', reason: 'overloaded' });
      wf.outcome('success');
      return wf.traceId;
    }).then((traceId) => res.end(traceId));
  });
}

let collector: RunningCollector;
let telltale: Telltale;
let service: http.Server;
const topic = uniqueTopic('instrumentation-otlp-spans');
const records: { key: string; resourceSpans: DecodedResourceSpans[] }[] = [];
const traceIds: string[] = [];

beforeAll(async () => {
  const brokers = kafkaBrokers();
  await createTopics(brokers, [{ topic, numPartitions: 3 }]);
  const otlpPort = await freePort();
  collector = await startCollector({
    configFile: join(repoRoot, 'deploy', 'collector.yaml'),
    env: {
      KAFKA_BROKERS: brokers.join(','),
      TELLTALE_SPANS_TOPIC: topic,
      TELLTALE_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpPort}`,
      TELLTALE_COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}`,
      TELLTALE_COLLECTOR_METRICS_HOST: '127.0.0.1',
      TELLTALE_COLLECTOR_LOG_LEVEL: 'warn',
    },
  });
  telltale = start({
    serviceName: 'refund-service',
    serviceVersion: '2.4.1',
    endpoint: `http://127.0.0.1:${otlpPort}`,
    versions: { prompt: 'refund-v9' },
    // The collector config has a traces pipeline only.
    metrics: { enabled: false },
    instrumentations: { http: false, express: false, undici: false },
    traces: { scheduledDelayMillis: 100 },
    logLevel: 'error',
  });

  service = createService();
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const port = (service.address() as AddressInfo).port;
  for (const tenant of TENANTS) {
    traceIds.push(await (await fetch(`http://127.0.0.1:${port}/?tenant=${tenant}`)).text());
  }
  await telltale.forceFlush();
  expect(telltale.stats()).toMatchObject({ spansExported: 12, spansDropped: 0, spansFailed: 0 });

  const consumer = new Kafka({ clientId: 'instrumentation-test', brokers, logLevel: logLevel.ERROR }).consumer({
    groupId: uniqueTopic('instrumentation-test'),
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) {
        records.push({ key: message.key?.toString() ?? '', resourceSpans: decodeTracesData(message.value) });
      }
    },
  });
  const spanCount = () => records.reduce((n, r) => n + r.resourceSpans.reduce((m, rs) => m + rs.spans.length, 0), 0);
  await waitUntil(async () => spanCount() >= 12, { what: 'all 12 spans in Kafka', timeoutMs: 60_000 });
  await consumer.disconnect();
});

afterAll(async () => {
  service?.close();
  await telltale?.shutdown();
  await collector?.stop();
});

function spansOf(traceId: string): DecodedSpan[] {
  return records.filter((r) => r.key === traceId).flatMap((r) => r.resourceSpans.flatMap((rs) => rs.spans));
}

describe('instrumented service → collector → Kafka', () => {
  it('keys every record by the 32-hex trace id of the spans it holds', () => {
    expect(records.length).toBeGreaterThanOrEqual(3);
    for (const r of records) {
      expect(r.key).toMatch(/^[0-9a-f]{32}$/);
      for (const rs of r.resourceSpans) for (const s of rs.spans) expect(s.traceId).toBe(r.key);
    }
    expect(new Set(records.map((r) => r.key))).toEqual(new Set(traceIds));
  });

  it('carries the service name and release as resource attributes', () => {
    for (const rs of records.flatMap((r) => r.resourceSpans)) {
      expect(rs.resource[SERVICE_NAME]).toBe('refund-service');
      expect(rs.resource[SERVICE_VERSION]).toBe('2.4.1');
    }
  });

  it('decodes back to the workflow, model, tool spans and safety event that were sent, per tenant', () => {
    for (const [i, traceId] of traceIds.entries()) {
      const spans = spansOf(traceId);
      expect(spans.map((s) => s.name).sort()).toEqual([
        'chat claude-sonnet-4-5',
        'execute_tool lookup_order',
        'execute_tool lookup_order',
        'invoke_workflow refund_request',
      ]);
      const wf = spans.find((s) => s.name === 'invoke_workflow refund_request');
      expect(wf?.attributes).toMatchObject({
        [GEN_AI_OPERATION_NAME]: 'invoke_workflow',
        [TELLTALE_WORKFLOW_NAME]: 'refund_request',
        [TELLTALE_WORKFLOW_OUTCOME]: 'success',
        [TELLTALE_TENANT_ID]: TENANTS[i],
        [TELLTALE_VERSION_PROMPT]: 'refund-v9',
      });
      const safety = wf?.events.find((e) => e.name === TELLTALE_SAFETY_EVENT);
      expect(safety?.attributes).toMatchObject({
        [TELLTALE_SAFETY_KIND]: 'fallback',
        [TELLTALE_FALLBACK_FROM]: 'claude-sonnet-4-5',
        [TELLTALE_FALLBACK_TO]: 'claude-haiku-4-5',
      });

      const chat = spans.find((s) => s.name === 'chat claude-sonnet-4-5');
      expect(chat?.parentSpanId).toBe(wf?.spanId);
      expect(chat?.attributes).toMatchObject({
        [GEN_AI_OPERATION_NAME]: 'chat',
        [GEN_AI_PROVIDER_NAME]: 'anthropic',
        [GEN_AI_REQUEST_MODEL]: 'claude-sonnet-4-5',
        [GEN_AI_RESPONSE_MODEL]: 'claude-sonnet-4-5-20250929',
        [GEN_AI_USAGE_INPUT_TOKENS]: 120,
        [GEN_AI_USAGE_OUTPUT_TOKENS]: 40,
        [GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 20,
        [GEN_AI_RESPONSE_FINISH_REASONS]: ['end_turn'],
        [TELLTALE_COST_USD]: 0.0125,
        [TELLTALE_COST_SOURCE]: 'provider',
        [TELLTALE_TENANT_ID]: TENANTS[i],
        [TELLTALE_WORKFLOW_NAME]: 'refund_request',
      });

      const tools = spans.filter((s) => s.name === 'execute_tool lookup_order');
      const failed = tools.find((s) => s.attributes[TELLTALE_TOOL_ATTEMPT] === 1);
      const retried = tools.find((s) => s.attributes[TELLTALE_TOOL_ATTEMPT] === 2);
      expect(failed?.statusCode).toBe(2);
      expect(failed?.attributes[ERROR_TYPE]).toBe('ToolTimeoutError');
      expect(retried?.statusCode).toBe(0);
      for (const t of tools) {
        expect(t.attributes[GEN_AI_TOOL_NAME]).toBe('lookup_order');
        expect(t.attributes[TELLTALE_TENANT_ID]).toBe(TENANTS[i]);
        expect(t.attributes[TELLTALE_WORKFLOW_NAME]).toBe('refund_request');
      }
    }
  });
});
