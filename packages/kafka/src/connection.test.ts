import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createKafka } from './client.ts';
import { kafkaSaslSchema, kafkaSecurityEnvVars, kafkaSslSchema } from './connection.ts';

describe('Kafka connection settings', () => {
  it('reads TLS switches as env gives them, with safe defaults', () => {
    expect(kafkaSslSchema.parse(undefined)).toEqual({ enabled: false, rejectUnauthorized: true });
    expect(kafkaSslSchema.parse({ enabled: 'true', rejectUnauthorized: 'no' })).toEqual({
      enabled: true,
      rejectUnauthorized: false,
    });
  });

  it('maps the TLS and SASL environment variables under a service prefix to their paths', () => {
    const vars = kafkaSecurityEnvVars('SVC_KAFKA_');
    expect(vars.SVC_KAFKA_SSL).toEqual(['kafka', 'ssl', 'enabled']);
    expect(vars.SVC_KAFKA_SASL_PASSWORD).toEqual(['kafka', 'sasl', 'password']);
    // Every path names a field the two schemas have.
    const fields = {
      ssl: Object.keys(kafkaSslSchema.unwrap().shape),
      sasl: Object.keys(kafkaSaslSchema.unwrap().shape),
    };
    for (const [name, path] of Object.entries(vars)) {
      expect(name.startsWith('SVC_KAFKA_')).toBe(true);
      expect(fields[path[1] as 'ssl' | 'sasl']).toContain(path[2]);
    }
    expect(Object.keys(vars)).toHaveLength(8);
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
