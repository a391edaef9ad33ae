// The public surface of @telltale/kafka: named exports only.
export { createKafka } from './client.ts';
export type { KafkaConnection, KafkaSasl, KafkaSsl } from './connection.ts';
export { kafkaSaslSchema, kafkaSecurityEnvVars, kafkaSslSchema } from './connection.ts';
export { pinoLogCreator } from './log-creator.ts';
