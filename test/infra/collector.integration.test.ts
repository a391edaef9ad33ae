import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, freePort, kafkaBrokers, type RunningCollector, startCollector, uniqueTopic } from './index.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

// The slice of opentelemetry-proto this test reads (field numbers from trace.proto, common.proto).
const otlp = protobuf
  .parse(`
syntax = "proto3";
message TracesData { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span { bytes trace_id = 1; bytes span_id = 2; string name = 5; repeated KeyValue attributes = 9; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
`)
  .root.lookupType('TracesData');

interface DecodedTraces {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: {
      spans: { traceId: string; name: string; attributes: { key: string; value: { intValue?: number } }[] }[];
    }[];
  }[];
}

describe('the collector built from the repo manifest, with the deploy/ config', () => {
  let collector: RunningCollector;
  let otlpUrl: string;
  const topic = uniqueTopic('infra-otlp-spans');

  beforeAll(async () => {
    const brokers = kafkaBrokers();
    await createTopics(brokers, [{ topic, numPartitions: 2 }]);
    const port = await freePort();
    otlpUrl = `http://127.0.0.1:${port}/v1/traces`;
    collector = await startCollector({
      configFile: join(repoRoot, 'deploy', 'collector.yaml'),
      env: {
        KAFKA_BROKERS: brokers.join(','),
        TELLTALE_SPANS_TOPIC: topic,
        TELLTALE_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`,
        TELLTALE_COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${await freePort()}`,
        TELLTALE_COLLECTOR_METRICS_HOST: '127.0.0.1',
        TELLTALE_COLLECTOR_LOG_LEVEL: 'warn',
      },
    });
  });

  afterAll(async () => {
    await collector?.stop();
  });

  it('accepts an OTLP/HTTP span and writes it to Kafka as protobuf TracesData keyed by the trace id', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const now = BigInt(Date.now()) * 1_000_000n;
    const res = await fetch(otlpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'infra-probe' } }] },
            scopeSpans: [
              {
                scope: { name: 'infra-test' },
                spans: [
                  {
                    traceId,
                    spanId: 'eee19b7ec3c1b174',
                    name: 'execute_tool search',
                    kind: 1,
                    startTimeUnixNano: String(now - 1_000_000n),
                    endTimeUnixNano: String(now),
                    attributes: [{ key: 'gen_ai.usage.input_tokens', value: { intValue: '17' } }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);

    const consumer = new Kafka({ clientId: 'infra-test', brokers: kafkaBrokers(), logLevel: logLevel.ERROR }).consumer({
      groupId: uniqueTopic('infra-collector'),
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const record = await new Promise<{ key: string; value: Buffer }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value) resolve({ key: message.key?.toString() ?? '', value: message.value });
        },
      });
    });
    await consumer.disconnect();

    expect(record.key).toBe(traceId);
    const traces = otlp.toObject(otlp.decode(record.value), { bytes: String, longs: Number }) as DecodedTraces;
    const rs = traces.resourceSpans[0];
    const span = rs?.scopeSpans[0]?.spans[0];
    expect(rs?.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'infra-probe' } });
    expect(Buffer.from(span?.traceId ?? '', 'base64').toString('hex')).toBe(traceId);
    expect(span?.name).toBe('execute_tool search');
    expect(span?.attributes).toContainEqual({ key: 'gen_ai.usage.input_tokens', value: { intValue: 17 } });
  });
});
