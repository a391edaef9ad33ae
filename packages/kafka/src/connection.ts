import { envBool } from '@telltale/config';
import { z } from 'zod';

/** TLS to the brokers. PEM files omitted mean the system CAs and no client certificate. */
export const kafkaSslSchema = z
  .strictObject({
    enabled: envBool.default(false),
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    rejectUnauthorized: envBool.default(true),
  })
  .prefault({});

/** SASL authentication: PLAIN or SCRAM, as managed Kafka services offer. */
export const kafkaSaslSchema = z
  .strictObject({
    mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
    username: z.string().min(1),
    password: z.string().min(1),
  })
  .optional();

export type KafkaSsl = z.infer<typeof kafkaSslSchema>;
export type KafkaSasl = z.infer<typeof kafkaSaslSchema>;

/** What a telltale service needs to reach a cluster; each service's config maps onto this. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  connectionTimeoutMs: number;
  ssl: KafkaSsl;
  sasl?: KafkaSasl;
}

/**
 * The environment variables of the TLS and SASL settings, `${prefix}SSL`,
 * `${prefix}SASL_USERNAME`, ..., mapped to their config paths under `kafka`:
 * every Kafka-facing service exposes them alike.
 */
export function kafkaSecurityEnvVars(prefix: string): Record<string, readonly string[]> {
  return {
    [`${prefix}SSL`]: ['kafka', 'ssl', 'enabled'],
    [`${prefix}SSL_CA_FILE`]: ['kafka', 'ssl', 'caFile'],
    [`${prefix}SSL_CERT_FILE`]: ['kafka', 'ssl', 'certFile'],
    [`${prefix}SSL_KEY_FILE`]: ['kafka', 'ssl', 'keyFile'],
    [`${prefix}SSL_REJECT_UNAUTHORIZED`]: ['kafka', 'ssl', 'rejectUnauthorized'],
    [`${prefix}SASL_MECHANISM`]: ['kafka', 'sasl', 'mechanism'],
    [`${prefix}SASL_USERNAME`]: ['kafka', 'sasl', 'username'],
    [`${prefix}SASL_PASSWORD`]: ['kafka', 'sasl', 'password'],
  };
}
