import { envList, envNumber } from '@telltale/config';
import {
  DEFAULT_AGGREGATES_TOPIC,
  DEFAULT_DLQ_TOPIC,
  DEFAULT_SAFETY_EVENTS_TOPIC,
  DEFAULT_SPANS_TOPIC,
} from '@telltale/conventions';
import { kafkaSaslSchema, kafkaSecurityEnvVars, kafkaSslSchema } from '@telltale/kafka';
import { z } from 'zod';
import { DEFAULT_MAX_INPUT_BYTES, ENCODINGS } from '../decode/decoders.ts';
import { DEFAULT_LIMITS, ENGINE_DEFAULTS } from '../engine/options.ts';

const ms = (def: number) => envNumber(z.number().int().nonnegative()).default(def);
const positive = (def: number) => envNumber(z.number().int().positive()).default(def);

/** The whole processor configuration; every default is here, beside its field. */
export const processorConfigSchema = z
  .strictObject({
    kafka: z
      .strictObject({
        /** Bootstrap brokers, host:port. */
        brokers: envList.default(['localhost:9092']),
        clientId: z.string().min(1).default('telltale-processor'),
        /** Consumer group: replicas with the same group share the partitions. */
        groupId: z.string().min(1).default('telltale-processor'),
        ssl: kafkaSslSchema,
        sasl: kafkaSaslSchema,
        connectionTimeoutMs: positive(10_000),
      })
      .prefault({}),
    topics: z
      .strictObject({
        spans: z.string().min(1).default(DEFAULT_SPANS_TOPIC),
        aggregates: z.string().min(1).default(DEFAULT_AGGREGATES_TOPIC),
        safetyEvents: z.string().min(1).default(DEFAULT_SAFETY_EVENTS_TOPIC),
        dlq: z.string().min(1).default(DEFAULT_DLQ_TOPIC),
      })
      .prefault({}),
    /** What the collector's kafka exporter writes: its `encoding` setting. */
    encoding: z.enum(ENCODINGS).default('otlp_proto'),
    /** Input records larger than this go to the DLQ unread. */
    maxRecordBytes: positive(DEFAULT_MAX_INPUT_BYTES),
    windows: z
      .strictObject({
        sizeMs: positive(ENGINE_DEFAULTS.windowSizeMs),
        graceMs: ms(ENGINE_DEFAULTS.graceMs),
        /**
         * Wall-clock quiet time after which a partition holding open windows gets a
         * stream-time tick, so they close without new data; 0 turns ticks off.
         */
        idleTickMs: ms(15_000),
      })
      .prefault({}),
    join: z
      .strictObject({
        /** Event time a trace waits after its workflow span ends; must not exceed windows.graceMs. */
        waitMs: ms(ENGINE_DEFAULTS.joinWaitMs),
        orphanTimeoutMs: ms(ENGINE_DEFAULTS.orphanTimeoutMs),
        maxOpenTraces: positive(ENGINE_DEFAULTS.maxOpenTraces),
        maxSpansPerTrace: positive(ENGINE_DEFAULTS.maxSpansPerTrace),
      })
      .prefault({}),
    limits: z
      .strictObject({
        maxOpenWindows: positive(ENGINE_DEFAULTS.maxOpenWindows),
        services: positive(DEFAULT_LIMITS.services),
        workflows: positive(DEFAULT_LIMITS.workflows),
        tenants: positive(DEFAULT_LIMITS.tenants),
        tools: positive(DEFAULT_LIMITS.tools),
        models: positive(DEFAULT_LIMITS.models),
        policies: positive(DEFAULT_LIMITS.policies),
        keys: positive(DEFAULT_LIMITS.keys),
      })
      .prefault({}),
    prices: z
      .strictObject({
        /** YAML or JSON price file that extends (and, same date, overrides) the shipped table. */
        file: z.string().min(1).optional(),
      })
      .prefault({}),
    server: z
      .strictObject({
        /** /metrics, /healthz and /readyz. */
        host: z.string().min(1).default('0.0.0.0'),
        port: envNumber(z.number().int().min(0).max(65535)).default(9464),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.join.waitMs > c.windows.graceMs)
      ctx.addIssue({
        code: 'custom',
        path: ['join', 'waitMs'],
        message: `must not exceed windows.graceMs (${c.windows.graceMs}): a window would close while a trace it awaits is open`,
      });
    const ssl = c.kafka.ssl;
    if ((ssl.certFile === undefined) !== (ssl.keyFile === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['kafka', 'ssl', ssl.certFile === undefined ? 'certFile' : 'keyFile'],
        message: 'certFile and keyFile go together',
      });
  });

export type ProcessorConfig = z.infer<typeof processorConfigSchema>;

/** Each environment variable and the config path it sets (env wins over the file). */
export const ENV_VARS: Readonly<Record<string, readonly string[]>> = {
  TELLTALE_KAFKA_BROKERS: ['kafka', 'brokers'],
  TELLTALE_KAFKA_CLIENT_ID: ['kafka', 'clientId'],
  TELLTALE_KAFKA_GROUP_ID: ['kafka', 'groupId'],
  ...kafkaSecurityEnvVars('TELLTALE_KAFKA_'),
  TELLTALE_KAFKA_CONNECTION_TIMEOUT_MS: ['kafka', 'connectionTimeoutMs'],
  TELLTALE_SPANS_TOPIC: ['topics', 'spans'],
  TELLTALE_AGGREGATES_TOPIC: ['topics', 'aggregates'],
  TELLTALE_SAFETY_EVENTS_TOPIC: ['topics', 'safetyEvents'],
  TELLTALE_DLQ_TOPIC: ['topics', 'dlq'],
  TELLTALE_ENCODING: ['encoding'],
  TELLTALE_MAX_RECORD_BYTES: ['maxRecordBytes'],
  TELLTALE_WINDOW_SIZE_MS: ['windows', 'sizeMs'],
  TELLTALE_WINDOW_GRACE_MS: ['windows', 'graceMs'],
  TELLTALE_IDLE_TICK_MS: ['windows', 'idleTickMs'],
  TELLTALE_JOIN_WAIT_MS: ['join', 'waitMs'],
  TELLTALE_ORPHAN_TIMEOUT_MS: ['join', 'orphanTimeoutMs'],
  TELLTALE_MAX_OPEN_TRACES: ['join', 'maxOpenTraces'],
  TELLTALE_MAX_SPANS_PER_TRACE: ['join', 'maxSpansPerTrace'],
  TELLTALE_MAX_OPEN_WINDOWS: ['limits', 'maxOpenWindows'],
  TELLTALE_MAX_SERVICES: ['limits', 'services'],
  TELLTALE_MAX_WORKFLOWS: ['limits', 'workflows'],
  TELLTALE_MAX_TENANTS: ['limits', 'tenants'],
  TELLTALE_MAX_TOOLS: ['limits', 'tools'],
  TELLTALE_MAX_MODELS: ['limits', 'models'],
  TELLTALE_MAX_POLICIES: ['limits', 'policies'],
  TELLTALE_MAX_KEYS: ['limits', 'keys'],
  TELLTALE_PRICES_FILE: ['prices', 'file'],
  TELLTALE_SERVER_HOST: ['server', 'host'],
  TELLTALE_SERVER_PORT: ['server', 'port'],
  TELLTALE_LOG_LEVEL: ['log', 'level'],
};
