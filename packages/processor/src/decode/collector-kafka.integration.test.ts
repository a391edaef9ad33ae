import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTopics,
  freePort,
  kafkaBrokers,
  type RunningCollector,
  startCollector,
  uniqueTopic,
} from '../../../../test/infra/index.ts';
import { bySpanId, collectorWorkload, collectorWorkloadSpans } from '../../test/fixtures/collector-workload.ts';
import { expectedOtelJsSpans } from '../../test/fixtures/otel-js-expected.ts';
import { type EmittedTrace, emitWithOtelJs } from '../../test/fixtures/otel-js-traces.ts';
import { tracesJson } from '../../test/fixtures/otlp.ts';
import type { Span } from '../span.ts';
import { decoderFor, type Encoding } from './decoders.ts';

/**
 * The real collector (otlp receiver → batch → two kafka exporters, otlp_proto
 * and otlp_json, partition_traces_by_id, gzip) writes to a real broker; the
 * records are read back with kafkajs and both decoders must read exactly the
 * spans that were sent. TELLTALE_RECORD_FIXTURES=1 saves the records under
 * test/fixtures/ for the unit tests.
 */

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures');

interface KafkaRecord {
  key: string;
  value: Buffer;
}

describe('records written by the collector kafka exporter', () => {
  const protoTopic = uniqueTopic('decode-otlp-proto');
  const jsonTopic = uniqueTopic('decode-otlp-json');
  let collector: RunningCollector;
  let ids: EmittedTrace;
  const records: Record<Encoding, KafkaRecord[]> = { otlp_proto: [], otlp_json: [] };

  beforeAll(async () => {
    const brokers = kafkaBrokers();
    await createTopics(brokers, [
      { topic: protoTopic, numPartitions: 3 },
      { topic: jsonTopic, numPartitions: 3 },
    ]);
    const port = await freePort();
    collector = await startCollector({
      configFile: join(fixtures, 'collector-two-encodings.yaml'),
      env: {
        KAFKA_BROKERS: brokers.join(','),
        PROTO_TOPIC: protoTopic,
        JSON_TOPIC: jsonTopic,
        TELLTALE_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${port}`,
      },
    });
    const url = `http://127.0.0.1:${port}/v1/traces`;
    // One trace from the real OpenTelemetry JS SDK (protobuf), one workload as OTLP/JSON.
    ids = await emitWithOtelJs(url, 'proto');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tracesJson(collectorWorkload)),
    });
    expect(res.status).toBe(200);

    const wanted = expectedOtelJsSpans(ids).length + collectorWorkloadSpans.length;
    const consumer = new Kafka({ clientId: 'decode-test', brokers, logLevel: logLevel.ERROR }).consumer({
      groupId: uniqueTopic('decode-test'),
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [protoTopic, jsonTopic], fromBeginning: true });
    const spanCount: Record<Encoding, number> = { otlp_proto: 0, otlp_json: 0 };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out with ${JSON.stringify(spanCount)} spans of ${wanted} per topic`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ topic, message }) => {
          const encoding: Encoding = topic === protoTopic ? 'otlp_proto' : 'otlp_json';
          const record = { key: message.key?.toString() ?? '', value: message.value ?? Buffer.alloc(0) };
          records[encoding].push(record);
          const decoded = decoderFor(encoding)(record.value);
          spanCount[encoding] += decoded.ok ? decoded.spans.length : 0;
          if (spanCount.otlp_proto >= wanted && spanCount.otlp_json >= wanted) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();

    if (process.env.TELLTALE_RECORD_FIXTURES === '1') {
      const toJson = (enc: Encoding) =>
        records[enc].map((r) => ({
          key: r.key,
          value: enc === 'otlp_json' ? r.value.toString('utf8') : r.value.toString('base64'),
        }));
      await writeFile(
        join(fixtures, 'collector-kafka.records.json'),
        `${JSON.stringify({ otelJsIds: ids, otlp_proto: toJson('otlp_proto'), otlp_json: toJson('otlp_json') }, null, 2)}\n`,
      );
    }
  });

  afterAll(async () => {
    await collector?.stop();
  });

  for (const encoding of ['otlp_proto', 'otlp_json'] as const) {
    it(`${encoding}: every record decodes, holds one trace keyed by its id, and all spans arrive exactly`, () => {
      const decode = decoderFor(encoding);
      const all: Span[] = [];
      for (const record of records[encoding]) {
        const result = decode(record.value);
        if (!result.ok) throw new Error(`record did not decode: ${result.reason}`);
        expect(result.spans.length).toBeGreaterThan(0);
        for (const s of result.spans) expect(s.traceId).toBe(record.key);
        all.push(...result.spans);
      }
      expect(bySpanId(all)).toEqual(bySpanId([...expectedOtelJsSpans(ids), ...collectorWorkloadSpans]));
    });
  }

  it('splits records by resource × scope × trace, so one trace can span several records', () => {
    const keys = records.otlp_proto.map((r) => r.key);
    expect(new Set(keys)).toEqual(
      new Set([ids.traceId, 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1', 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2']),
    );
    // The JS trace is one record; b1 has spans in two scopes of one resource, b2 in two resources: 1 + 2 + 2.
    expect(keys).toHaveLength(5);
    expect(records.otlp_json.length).toBe(records.otlp_proto.length);
  });
});
