import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafka } from '../../../test/infra/index.ts';
import { createKafka } from './client.ts';
import type { KafkaConnection } from './connection.ts';

const USER = 'telltale';
const PASSWORD = `pw-${randomUUID()}`;
const logger = pino({ level: 'silent' });

let broker: KafkaBroker;
let secure: { brokers: string[]; caFile: string };

beforeAll(async () => {
  // Its own broker: the shared one speaks only PLAINTEXT.
  broker = await startKafka(undefined, { security: { users: { [USER]: PASSWORD } } });
  if (!broker.secure) throw new Error('the broker started without its SASL_SSL listener');
  secure = broker.secure;
}, 180_000);

afterAll(async () => {
  await broker?.stop();
});

function connection(over: Partial<KafkaConnection> = {}): KafkaConnection {
  return {
    brokers: secure.brokers,
    clientId: 'telltale-secured-test',
    connectionTimeoutMs: 5_000,
    ssl: { enabled: true, caFile: secure.caFile, rejectUnauthorized: true },
    sasl: { mechanism: 'plain', username: USER, password: PASSWORD },
    ...over,
  };
}

/** Creates a topic, writes one record and reads it back: the whole client path over TLS with SASL. */
async function roundTrip(c: KafkaConnection): Promise<string> {
  const kafka = createKafka(c, logger);
  const topic = `secured-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: `hello over ${c.sasl?.mechanism}` }], acks: -1 });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `secured-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record read back within 30 s')), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value?.toString() ?? '');
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('createKafka against a real broker with TLS and SASL', () => {
  it('writes and reads over TLS with SASL/PLAIN, trusting the broker through caFile', async () => {
    expect(await roundTrip(connection())).toBe('hello over plain');
  });

  it('writes and reads over TLS with SASL/SCRAM-SHA-512', async () => {
    const c = connection({ sasl: { mechanism: 'scram-sha-512', username: USER, password: PASSWORD } });
    expect(await roundTrip(c)).toBe('hello over scram-sha-512');
  });

  it('is refused with a wrong password, and says it was authentication', async () => {
    const admin = createKafka(
      connection({ sasl: { mechanism: 'plain', username: USER, password: 'wrong' } }),
      logger,
    ).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed/i);
  });

  it('does not trust the broker without its CA (the certificate is self-signed)', async () => {
    const admin = createKafka(connection({ ssl: { enabled: true, rejectUnauthorized: true } }), logger).admin();
    await expect(admin.connect()).rejects.toThrow(/self[- ]signed|certificate/i);
  }, 120_000);
});
