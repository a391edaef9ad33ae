import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createTopics, kafkaBrokers, uniqueTopic } from '../../../../../test/infra/index.ts';
import { PriceTable } from '../../cost/price-table.ts';
import { decodeOtlpProto } from '../../decode/otlp-proto.ts';
import { newCounters } from '../../engine/counters.ts';
import { ProcessorMetrics } from '../../metrics/processor-metrics.ts';
import { KafkaProcessor, type KafkaProcessorTopics } from './kafka-processor.ts';

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

function processor(kafka: Kafka, topics: KafkaProcessorTopics): KafkaProcessor {
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
  });
}

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
});
