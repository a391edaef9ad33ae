import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createTopics, kafkaBrokers, uniqueTopic } from './index.ts';

describe('the Kafka broker of the integration run', () => {
  it('delivers a produced message to a consumer group, key and headers intact', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueTopic('infra-roundtrip');
    await createTopics(brokers, [{ topic, numPartitions: 3 }]);
    const kafka = new Kafka({ clientId: 'infra-test', brokers, logLevel: logLevel.ERROR });

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k1', value: 'hello broker', headers: { h: 'v' } }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueTopic('infra-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; header: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          resolve({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            header: message.headers?.h?.toString() ?? '',
          });
        },
      });
    });
    await consumer.disconnect();
    expect(received).toEqual({ key: 'k1', value: 'hello broker', header: 'v' });
  });

  it('reports the cluster through the admin API with the partitions a test asked for', async () => {
    const brokers = kafkaBrokers();
    const topic = uniqueTopic('infra-admin');
    await createTopics(brokers, [{ topic, numPartitions: 4 }]);
    const admin = new Kafka({ clientId: 'infra-test', brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(cluster.brokers).toHaveLength(1);
      expect(meta.topics[0]?.partitions).toHaveLength(4);
    } finally {
      await admin.disconnect();
    }
  });
});
