import { resolve } from 'node:path';
import type { AggregateCounts, AggregateRecord, SafetyEventRecord } from '@telltale/conventions';
import { CompressionTypes, Kafka, type KafkaMessage, logLevel, type Message } from 'kafkajs';
import { expect } from 'vitest';
import { freePort, httpReady, type ManagedProcess, startProcess, waitUntil } from '../../../test/infra/index.ts';
import type { Span } from '../src/span.ts';
import { encodeTracesData, encodeTracesDataJson } from './otlp-encode.ts';
import { canonical, mergeRecords, WORKLOAD_PRICES, type Workload } from './workload.ts';

const repo = resolve(import.meta.dirname, '../../..');
export const NODE = resolve(repo, 'node_modules/.bin/node');
export const MAIN = resolve(repo, 'packages/processor/src/cli/main.ts');

export interface Topics {
  spans: string;
  aggregates: string;
  safetyEvents: string;
  dlq: string;
}

export function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'telltale-processor-test', brokers, logLevel: logLevel.NOTHING });
}

/**
 * The workload as the collector's kafka exporter would write it: one record
 * per trace slice (the collector splits per resource × scope × trace), keyed
 * by trace id, protobuf TracesData.
 */
export function workloadMessages(w: Workload, encoding: 'otlp_proto' | 'otlp_json' = 'otlp_proto'): Message[] {
  const encode = (spans: Span[]) =>
    encoding === 'otlp_proto' ? Buffer.from(encodeTracesData(spans)) : Buffer.from(encodeTracesDataJson(spans));
  const out: Message[] = [];
  for (const t of w.traces) {
    const cut = Math.max(1, Math.floor(t.spans.length / 2));
    out.push({ key: t.traceId, value: encode(t.spans.slice(0, cut)) });
    if (cut < t.spans.length) out.push({ key: t.traceId, value: encode(t.spans.slice(cut)) });
  }
  return out;
}

/**
 * One record per partition whose only span ends an hour after the workload:
 * it contributes nothing, but moves every partition's stream time past the
 * last window's grace, so every window closes (in production, traffic does this).
 */
export function tickMessages(
  w: Workload,
  partitions: number,
  encoding: 'otlp_proto' | 'otlp_json' = 'otlp_proto',
): Message[] {
  return Array.from({ length: partitions }, (_, partition) => {
    const span: Span = {
      ...w.traces[0]?.spans[0],
      traceId: 'f'.repeat(32),
      spanId: 'f'.repeat(16),
      parentSpanId: '',
      endTimeMs: w.endMs + 3_600_000,
      operation: 'tick',
      workflow: '',
      tenant: '',
      costUsd: undefined,
      safetyEvents: [],
    } as Span;
    const value = encoding === 'otlp_proto' ? encodeTracesData([span]) : encodeTracesDataJson([span]);
    return { partition, key: `tick-${partition}`, value: Buffer.from(value) };
  });
}

export async function produce(
  brokers: string[],
  topic: string,
  messages: Message[],
  options: { gzip?: boolean } = {},
): Promise<void> {
  const producer = kafkaClient(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 200)
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 200),
        ...(options.gzip ? { compression: CompressionTypes.GZIP } : {}),
      });
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the start into memory, continuously, until stopped. */
export async function readTopic(brokers: string[], topic: string) {
  const consumer = kafkaClient(brokers).consumer({ groupId: `reader-${topic}-${Math.random()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      messages.push(message);
    },
  });
  return { messages, stop: () => consumer.disconnect() };
}

/**
 * Applies aggregate records the way a consumer must: each id once. Asserts
 * that a re-emitted id carries exactly the record first seen (replays are identical).
 */
export function dedupeById<T extends { id: string }>(messages: KafkaMessage[]): Map<string, T> {
  const byId = new Map<string, T>();
  for (const m of messages) {
    const r = JSON.parse(m.value?.toString() ?? 'null') as T;
    const first = byId.get(r.id);
    if (first) expect(r).toEqual(first);
    else byId.set(r.id, r);
  }
  return byId;
}

/** Waits until the deduplicated aggregates merge to exactly the truth (no waiting on speed: a generous cap only). */
export async function waitForTruth(
  aggregates: KafkaMessage[],
  w: Workload,
  what: string,
  abortReason?: () => string | undefined,
): Promise<Map<string, AggregateRecord>> {
  const want = canonical(w.truth);
  let last: Record<string, AggregateCounts> = {};
  try {
    await waitUntil(
      async () => {
        last = canonical(mergeRecords(dedupeById<AggregateRecord>(aggregates).values()));
        return JSON.stringify(last) === JSON.stringify(want);
      },
      { what, timeoutMs: 150_000, intervalMs: 500, abortReason },
    );
  } catch (err) {
    // Show the difference, not just the timeout.
    expect(last).toEqual(want);
    throw err;
  }
  return dedupeById<AggregateRecord>(aggregates);
}

export function distinctSafetyEvents(messages: KafkaMessage[]): number {
  return dedupeById<SafetyEventRecord>(messages).size;
}

export function priceFileYaml(): string {
  return `prices:\n${WORKLOAD_PRICES.map(
    (p) =>
      `  - { provider: ${p.provider}, model: ${p.model}, validFrom: '${p.validFrom}', usdPerMillion: { input: '${p.usdPerMillion.input}', output: '${p.usdPerMillion.output}' } }`,
  ).join('\n')}\n`;
}

/** Starts `telltale-processor` as a child process, ready once /readyz answers 200. */
export async function startCli(opts: {
  name: string;
  brokers: string[];
  topics: Topics;
  groupId: string;
  pricesFile: string;
  encoding?: 'otlp_proto' | 'otlp_json';
  /**
   * Idle ticks (TELLTALE_IDLE_TICK_MS): off unless asked for. These tests
   * produce in phases with pauses a live stream would not have, and a tick in
   * a pause could close a trace whose other half comes in the next phase.
   */
  idleTickMs?: number;
}): Promise<ManagedProcess & { port: number }> {
  const port = await freePort();
  const p = await startProcess({
    name: opts.name,
    command: NODE,
    args: [MAIN],
    env: {
      TELLTALE_KAFKA_BROKERS: opts.brokers.join(','),
      TELLTALE_KAFKA_GROUP_ID: opts.groupId,
      TELLTALE_KAFKA_CLIENT_ID: opts.name,
      TELLTALE_SPANS_TOPIC: opts.topics.spans,
      TELLTALE_AGGREGATES_TOPIC: opts.topics.aggregates,
      TELLTALE_SAFETY_EVENTS_TOPIC: opts.topics.safetyEvents,
      TELLTALE_DLQ_TOPIC: opts.topics.dlq,
      TELLTALE_PRICES_FILE: opts.pricesFile,
      TELLTALE_SERVER_HOST: '127.0.0.1',
      TELLTALE_SERVER_PORT: String(port),
      TELLTALE_LOG_LEVEL: 'info',
      TELLTALE_ENCODING: opts.encoding ?? 'otlp_proto',
      TELLTALE_IDLE_TICK_MS: String(opts.idleTickMs ?? 0),
    },
    ready: () => httpReady(`http://127.0.0.1:${port}/readyz`),
    timeoutMs: 90_000,
    stopGraceMs: 30_000,
  });
  return Object.assign(p, { port });
}
