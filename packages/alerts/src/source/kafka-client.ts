import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { AlertsConfig } from '../config/schema.ts';

/** A kafkajs client from the config: brokers, client id, TLS and SASL (plain, SCRAM), logging through pino. */
export function createKafka(config: AlertsConfig['kafka'], logger: Logger): Kafka {
  const { ssl, sasl } = config;
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeout,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
  };
  if (ssl.enabled)
    kafkaConfig.ssl = {
      rejectUnauthorized: ssl.rejectUnauthorized,
      ...(ssl.caFile ? { ca: [readFileSync(ssl.caFile, 'utf8')] } : {}),
      ...(ssl.certFile ? { cert: readFileSync(ssl.certFile, 'utf8') } : {}),
      ...(ssl.keyFile ? { key: readFileSync(ssl.keyFile, 'utf8') } : {}),
    };
  if (sasl)
    kafkaConfig.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
  return new Kafka(kafkaConfig);
}

function pinoLogCreator(logger: Logger): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.error(extra, message);
      else if (level === logLevel.WARN) logger.warn(extra, message);
      else if (level === logLevel.INFO) logger.info(extra, message);
      else logger.debug(extra, message);
    };
}
