import kafkajs, { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createTopics, kafkaBrokers, uniqueTopic, waitUntil } from '../../../../../test/infra/index.ts';
import {
  kafkaClient,
  produce,
  readTopic,
  tickMessages,
  waitForTruth,
  workloadMessages,
} from '../../../test/kafka-harness.ts';
import { generateWorkload, WORKLOAD_PRICES } from '../../../test/workload.ts';
import { PriceTable } from '../../cost/price-table.ts';
import { decodeOtlpProto } from '../../decode/otlp-proto.ts';
import { newCounters } from '../../engine/counters.ts';
import { ProcessorMetrics } from '../../metrics/processor-metrics.ts';
import { KafkaProcessor, type KafkaProcessorOptions, type KafkaProcessorTopics } from './kafka-processor.ts';

interface Observable {
  on(event: string, listener: () => void): unknown;
  events: { CONNECT: string; DISCONNECT: string };
}

/** A real kafkajs client that notes which of the processor's clients are connected. */
function observedKafka(brokers: string[]) {
  const kafka = new Kafka({
    clientId: 'telltale-lifecycle-test',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 100 },
  });
  const connected = new Set<string>();
  // Producer, admin and consumer each type their own event names; all three have these two.
  const watch = <C>(name: string, client: C): C => {
    const c = client as unknown as Observable;
    c.on(c.events.CONNECT, () => connected.add(name));
    c.on(c.events.DISCONNECT, () => connected.delete(name));
    return client;
  };
  const producer = kafka.producer.bind(kafka);
  const admin = kafka.admin.bind(kafka);
  const consumer = kafka.consumer.bind(kafka);
  kafka.producer = (c) => watch('producer', producer(c));
  kafka.admin = (c) => watch('admin', admin(c));
  kafka.consumer = (c) => watch('consumer', consumer(c));
  return { kafka, connected };
}

function processor(
  kafka: Kafka,
  topics: KafkaProcessorTopics,
  options: Partial<KafkaProcessorOptions> = {},
): KafkaProcessor {
  const counters = newCounters();
  return new KafkaProcessor({
    kafka,
    groupId: uniqueTopic('lifecycle-group'),
    topics,
    decode: decodeOtlpProto,
    engine: { prices: new PriceTable([]) },
    counters,
    metrics: new ProcessorMetrics(counters, { defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

/** The group's committed offset of partition 0 of `topic`, '-1' when none. */
async function committed(
  brokers: string[],
  groupId: string,
  topic: string,
): Promise<{ offset: string; metadata: string | null }> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const p = t?.partitions.find((x) => x.partition === 0);
    return { offset: p?.offset ?? '-1', metadata: p?.metadata ?? null };
  } finally {
    await admin.disconnect();
  }
}

/** Empty TracesData records: each decodes to no spans, so nothing stays open and the checkpoint follows the input. */
const emptyRecords = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `r${i}`, value: Buffer.alloc(0) }));

describe('KafkaProcessor lifecycle against a real broker', () => {
  const topics = (spans: string): KafkaProcessorTopics => ({
    spans,
    aggregates: uniqueTopic('lifecycle-aggregates'),
    safetyEvents: uniqueTopic('lifecycle-safety'),
    dlq: uniqueTopic('lifecycle-dlq'),
  });

  it('a start that fails after connecting leaves no client connected', async () => {
    const { kafka, connected } = observedKafka(kafkaBrokers());
    // The input topic does not exist and may not be auto-created: subscribe fails once all three have connected.
    const p = processor(kafka, topics(uniqueTopic('lifecycle-missing')));
    await expect(p.start()).rejects.toThrow(/topic|partition/i);
    expect([...connected]).toEqual([]);
    expect(p.ready).toBe(false);
  });

  it('stop disconnects the consumer, the producer and the admin client', async () => {
    const brokers = kafkaBrokers();
    const spans = uniqueTopic('lifecycle-spans');
    await createTopics(brokers, [{ topic: spans, numPartitions: 1 }]);
    const { kafka, connected } = observedKafka(brokers);
    const p = processor(kafka, topics(spans));
    await p.start();
    expect([...connected].sort()).toEqual(['admin', 'consumer', 'producer']);
    await p.stop();
    expect([...connected]).toEqual([]);
  });

  it('stop commits the batch in hand before it leaves the group', async () => {
    const brokers = kafkaBrokers();
    const t = topics(uniqueTopic('lifecycle-spans'));
    await createTopics(brokers, [
      { topic: t.spans, numPartitions: 1 },
      { topic: t.dlq, numPartitions: 1 },
    ]);
    // Undecodable records: the batch has DLQ output to write, so SIGTERM finds it waiting on the broker.
    await produce(
      brokers,
      t.spans,
      Array.from({ length: 20 }, (_, i) => ({ key: `bad${i}`, value: Buffer.from([0xff, 0xff, 0xff]) })),
    );
    const groupId = uniqueTopic('lifecycle-group');
    let stopping: Promise<void> | undefined;
    const p: KafkaProcessor = processor(new Kafka({ clientId: 'stop-test', brokers, logLevel: logLevel.NOTHING }), t, {
      groupId,
      decode: (bytes) => {
        stopping ??= new Promise((resolve) => setImmediate(resolve)).then(() => p.stop());
        return decodeOtlpProto(bytes);
      },
    });
    await p.start();
    await waitUntil(async () => stopping !== undefined, { what: 'the first batch', timeoutMs: 60_000 });
    await stopping;
    const c = await committed(brokers, groupId, t.spans);
    expect(Number(c.offset)).toBeGreaterThan(0);
    expect(JSON.parse(c.metadata ?? 'null')).toMatchObject({ v: 1 });
  });

  it('a commit refused because the session expired mid-batch makes it rejoin, not crash, and it catches up', async () => {
    const brokers = kafkaBrokers();
    const spans = uniqueTopic('lifecycle-spans');
    await createTopics(brokers, [{ topic: spans, numPartitions: 1 }]);
    await produce(brokers, spans, emptyRecords(20));
    const groupId = uniqueTopic('lifecycle-group');
    let blocked = false;
    const p = processor(new Kafka({ clientId: 'expiry-test', brokers, logLevel: logLevel.NOTHING }), topics(spans), {
      groupId,
      sessionTimeoutMs: 6_000,
      decode: (bytes) => {
        if (!blocked) {
          blocked = true;
          // A batch that holds the event loop past the session timeout: no heartbeat, the broker drops the member.
          const until = Date.now() + 9_000;
          while (Date.now() < until) {}
        }
        return decodeOtlpProto(bytes);
      },
    });
    let crash: Error | undefined;
    p.onCrash((err) => {
      crash = err;
    });
    await p.start();
    try {
      await waitUntil(async () => (await committed(brokers, groupId, spans)).offset === '20', {
        what: 'all 20 records committed after the rejoin',
        timeoutMs: 90_000,
        intervalMs: 500,
        abortReason: () => (crash ? `the consumer crashed: ${crash.message}` : undefined),
      });
      expect(blocked).toBe(true);
      expect(crash).toBeUndefined();
      expect(p.ready).toBe(true);
    } finally {
      await p.stop();
    }
  });

  it('a partition handed to another member in a rebalance stops reporting its lag here', async () => {
    const brokers = kafkaBrokers();
    const spans = uniqueTopic('lifecycle-spans');
    await createTopics(brokers, [{ topic: spans, numPartitions: 4 }]);
    const round = (r: number) =>
      produce(
        brokers,
        spans,
        Array.from({ length: 4 }, (_, partition) => ({ value: Buffer.alloc(0), partition, key: `r${r}p${partition}` })),
      );
    await round(1);
    const groupId = uniqueTopic('lifecycle-group');
    const member = () => {
      const counters = newCounters();
      const metrics = new ProcessorMetrics(counters, { defaultMetrics: false });
      const p = processor(new Kafka({ clientId: 'lag-test', brokers, logLevel: logLevel.NOTHING }), topics(spans), {
        groupId,
        counters,
        metrics,
      });
      const lagPartitions = async () => (await metrics.lag.get()).values.map((v) => String(v.labels.partition)).sort();
      return { p, lagPartitions };
    };
    const a = member();
    const b = member();
    await a.p.start();
    try {
      await waitUntil(async () => (await a.lagPartitions()).length === 4, {
        what: 'A reads all four',
        timeoutMs: 60_000,
      });
      await b.p.start();
      await waitUntil(async () => b.p.ready, { what: 'B joins the group', timeoutMs: 60_000 });
      await round(2);
      // Each partition is reported by the member that owns it now; none twice.
      let seen: string[] = [];
      await waitUntil(
        async () => {
          seen = [...(await a.lagPartitions()), ...(await b.lagPartitions())];
          return seen.length === 4 && new Set(seen).size === 4 && (await b.lagPartitions()).length > 0;
        },
        { what: 'all four partitions reported after the rebalance', timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(seen.sort()).toEqual(['0', '1', '2', '3']);
    } finally {
      await b.p.stop();
      await a.p.stop();
    }
  });

  it('loses no output when a write fails with an error kafkajs would retry: the partition is rebuilt, not skipped', async () => {
    const brokers = kafkaBrokers();
    const t = topics(uniqueTopic('lifecycle-spans'));
    await createTopics(brokers, [
      { topic: t.spans, numPartitions: 1 },
      { topic: t.aggregates, numPartitions: 1 },
      { topic: t.safetyEvents, numPartitions: 1 },
      { topic: t.dlq, numPartitions: 1 },
    ]);
    const w = generateWorkload({ traces: 200, seed: 31 });
    await produce(brokers, t.spans, [...workloadMessages(w), ...tickMessages(w, 1)]);
    const aggregates = await readTopic(brokers, t.aggregates);
    // A real producer whose first write meets a dropped connection, the way a broker restart looks to kafkajs.
    const kafka = new Kafka({ clientId: 'emit-failure-test', brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer.bind(kafka);
    let failed = 0;
    kafka.producer = (config) => {
      const p = producer(config);
      const sendBatch = p.sendBatch.bind(p);
      p.sendBatch = (batch) => {
        if (failed++ === 0) return Promise.reject(new kafkajs.KafkaJSConnectionError('connection dropped (injected)'));
        return sendBatch(batch);
      };
      return p;
    };
    const p = processor(kafka, t, { engine: { prices: new PriceTable(WORKLOAD_PRICES) } });
    await p.start();
    try {
      await waitForTruth(aggregates.messages, w, 'every aggregate, the ones of the failed write included');
      expect(failed).toBeGreaterThan(1);
    } finally {
      await p.stop();
      await aggregates.stop();
    }
  });

  it('writes output larger than the topic allows in one request in several requests, all of it', async () => {
    const brokers = kafkaBrokers();
    const t = topics(uniqueTopic('lifecycle-spans'));
    // Hundreds of aggregates close at once; the topic refuses a record batch over 16 KiB.
    await createTopics(brokers, [
      { topic: t.spans, numPartitions: 1 },
      { topic: t.aggregates, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '16384' }] },
      { topic: t.safetyEvents, numPartitions: 1 },
      { topic: t.dlq, numPartitions: 1 },
    ]);
    const w = generateWorkload({ traces: 400, seed: 23, tenants: 300 });
    await produce(brokers, t.spans, [...workloadMessages(w), ...tickMessages(w, 1)]);
    const aggregates = await readTopic(brokers, t.aggregates);
    const p = processor(new Kafka({ clientId: 'chunk-test', brokers, logLevel: logLevel.NOTHING }), t, {
      engine: { prices: new PriceTable(WORKLOAD_PRICES) },
      maxSendBytes: 8_192,
    });
    let crash: Error | undefined;
    p.onCrash((err) => {
      crash = err;
    });
    await p.start();
    try {
      const merged = await waitForTruth(aggregates.messages, w, 'every aggregate, in requests under 16 KiB', () =>
        crash ? `the consumer crashed: ${crash.message}` : undefined,
      );
      expect(merged.size).toBeGreaterThan(100);
    } finally {
      await p.stop();
      await aggregates.stop();
    }
  });
});
