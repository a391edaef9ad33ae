import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConnection } from './connection.ts';
import { pinoLogCreator } from './log-creator.ts';

/** A kafkajs client for a connection: brokers, client id, TLS and SASL (plain, SCRAM), logging through pino. */
export function createKafka(connection: KafkaConnection, logger: Logger): Kafka {
  const { ssl, sasl } = connection;
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: connection.brokers,
    connectionTimeout: connection.connectionTimeoutMs,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
  };
  if (ssl.enabled)
    config.ssl = {
      rejectUnauthorized: ssl.rejectUnauthorized,
      ...(ssl.caFile ? { ca: [readFileSync(ssl.caFile, 'utf8')] } : {}),
      ...(ssl.certFile ? { cert: readFileSync(ssl.certFile, 'utf8') } : {}),
      ...(ssl.keyFile ? { key: readFileSync(ssl.keyFile, 'utf8') } : {}),
    };
  // kafkajs types SASL as a union per mechanism; the three we accept share this shape.
  if (sasl)
    config.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
  return new Kafka(config);
}
