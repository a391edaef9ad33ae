import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createTopics, kafkaBrokers, uniqueTopic, waitUntil } from '../../../test/infra/index.ts';
import { createAlertService } from '../src/service/create.ts';
import { counter, describeSourceContract } from './source-contract.ts';

describeSourceContract('Kafka', async (dir) => {
  const brokers = kafkaBrokers();
  const topic = uniqueTopic('telltale.aggregates');
  await createTopics(brokers, [{ topic, numPartitions: 2 }]);
  const producer = new Kafka({ clientId: 'alerts-contract', brokers, logLevel: logLevel.ERROR }).producer();
  await producer.connect();
  const service = await createAlertService({
    kafka: { brokers, topic, groupId: `alerts-contract-${randomUUID()}` },
    server: { host: '127.0.0.1', port: 0 },
    state: { dir: join(dir, 'state') },
    rules: { evaluationInterval: '1h' },
    log: { level: 'silent' },
  });
  await waitUntil(async () => (await fetch(`${service.url}/readyz`)).status === 200, {
    what: 'the consumer joining its group',
    timeoutMs: 60_000,
  });
  const received = () => counter(service, 'telltale_alerts_aggregates_total', 'outcome=');
  return {
    service,
    send: async (records) => {
      const before = await received();
      await producer.send({
        topic,
        messages: records.map((r, i) => ({ value: JSON.stringify(r), partition: i % 2 })),
      });
      await waitUntil(async () => (await received()) >= before + records.length, {
        what: `the service taking in ${records.length} records`,
        timeoutMs: 30_000,
      });
    },
    close: async () => {
      await service.stop();
      await producer.disconnect();
    },
  };
});
