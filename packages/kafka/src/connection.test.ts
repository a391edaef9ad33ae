import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createKafka } from './client.ts';
import { kafkaSaslSchema, kafkaSslSchema } from './connection.ts';

describe('Kafka connection settings', () => {
  it('reads TLS switches as env gives them, with safe defaults', () => {
    expect(kafkaSslSchema.parse(undefined)).toEqual({ enabled: false, rejectUnauthorized: true });
    expect(kafkaSslSchema.parse({ enabled: 'true', rejectUnauthorized: 'no' })).toEqual({
      enabled: true,
      rejectUnauthorized: false,
    });
  });

  it('names the missing field of an incomplete SASL setting', () => {
    const result = kafkaSaslSchema.safeParse({ mechanism: 'scram-sha-512', username: 'svc' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['password']);
  });

  it('refuses a SASL mechanism kafkajs cannot speak', () => {
    expect(kafkaSaslSchema.safeParse({ mechanism: 'gssapi', username: 'a', password: 'b' }).success).toBe(false);
  });

  it('fails at construction when a TLS file does not exist, naming it', () => {
    expect(() =>
      createKafka(
        {
          brokers: ['127.0.0.1:9092'],
          clientId: 't',
          connectionTimeoutMs: 1000,
          ssl: { enabled: true, rejectUnauthorized: true, caFile: '/nonexistent/ca.pem' },
        },
        pino({ level: 'silent' }),
      ),
    ).toThrow(/\/nonexistent\/ca\.pem/);
  });
});
