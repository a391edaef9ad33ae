import { envBool, envList, envNumber } from '@telltale/config';
import { DEFAULT_AGGREGATES_TOPIC } from '@telltale/conventions';
import { kafkaSaslSchema, kafkaSecurityEnvVars, kafkaSslSchema } from '@telltale/kafka';
import { z } from 'zod';
import { durationSchema } from '../duration.ts';
import { channelSchema, checkChannelRefs, routeSchema } from './channels.ts';

const positive = (def: number) => envNumber(z.number().int().positive()).default(def);
/** Env gives durations as text; numbers in text are milliseconds. */
const duration = (def: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), durationSchema).default(def);

/** The whole alert service configuration; every default is here, beside its field. */
export const alertsConfigSchema = z
  .strictObject({
    kafka: z
      .strictObject({
        /** Consume aggregates from Kafka. Off for the embedded all-in-one, which pushes them in-process. */
        enabled: envBool.default(true),
        /** Bootstrap brokers, host:port. */
        brokers: envList.default(['localhost:9092']),
        clientId: z.string().min(1).default('telltale-alerts'),
        /** The alert service's own consumer group: it reads every aggregate, whatever else reads them. */
        groupId: z.string().min(1).default('telltale-alerts'),
        topic: z.string().min(1).default(DEFAULT_AGGREGATES_TOPIC),
        /** A new group starts at the earliest retained record (ids make the replay harmless). */
        fromBeginning: envBool.default(true),
        ssl: kafkaSslSchema,
        sasl: kafkaSaslSchema,
        connectionTimeout: duration(10_000),
        /** How long the group waits for a silent member (a crashed one) before rebalancing. Broker bounds apply. */
        sessionTimeout: duration(30_000),
      })
      .prefault({}),
    rules: z
      .strictObject({
        /** The rule file; default the shipped rules/default.yaml. */
        file: z.string().min(1).optional(),
        /** How often the service evaluates every rule. Default 10s. */
        // setInterval takes 1 ms to 2^31 − 1 ms; outside that Node.js fires every millisecond.
        evaluationInterval: duration(10_000).pipe(z.number().min(100).max(2_147_483_647)),
      })
      .prefault({}),
    state: z
      .strictObject({
        /** Directory of the alert state and the window store (snapshot and journal of applied aggregates); must survive restarts. */
        dir: z.string().min(1).default('.telltale-alerts'),
        /**
         * How long an applied aggregate id is remembered after its window ended,
         * beyond the longest rule window. Replays older than that are dropped by
         * window age instead, so they are still applied at most once. Default 1h.
         */
        idRetentionMargin: duration(3_600_000),
      })
      .prefault({}),
    server: z
      .strictObject({
        host: z.string().min(1).default('0.0.0.0'),
        port: envNumber(z.number().int().min(0).max(65535)).default(9465),
        /** Bearer token for endpoints that change state; without one they answer 403. */
        token: z.string().min(16, 'at least 16 characters').optional(),
        /** Base URL of this service as users reach it, for generatorURL links. Default http://<host>:<port>. */
        externalUrl: z.url().optional(),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** The recent window the ratio gauges cover. */
        ratioWindow: z.enum(['5m', '30m', '1h', '6h']).default('5m'),
        /** Add a tenant label to the per-workflow series (tenants past maxTenants share `__overflow__`). */
        tenantLabel: envBool.default(false),
        maxTenants: positive(20),
      })
      .prefault({}),
    limits: z
      .strictObject({
        /** Distinct values per dimension the store keeps; later ones go to `__overflow__`. */
        services: positive(100),
        workflows: positive(500),
        tenants: positive(1_000),
        tools: positive(500),
        /** Distinct provider/model pairs and safety policies on the counters. */
        models: positive(200),
        policies: positive(200),
        /** Distinct (service, workflow, tenant) keys, the series the store sums per window. */
        keys: positive(5_000),
      })
      .prefault({}),
    /** Where notifications go. Default: one console channel, so a fresh install shows alerts in its log. */
    channels: z.array(channelSchema).default([{ name: 'console', type: 'console' }]),
    /** Which rules and severities go to which channels; none = every channel gets everything. */
    routes: z.array(routeSchema).default([]),
    pager: z
      .strictObject({
        /**
         * How often the pager re-sends every firing alert to its channels, so
         * Alertmanager does not time it out (keep under its resolve_timeout, 5m
         * by default) and a lost trigger is made good. Default 1m.
         */
        resendInterval: duration(60_000),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    checkChannelRefs(c, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    const ssl = c.kafka.ssl;
    if ((ssl.certFile === undefined) !== (ssl.keyFile === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['kafka', 'ssl', ssl.certFile === undefined ? 'certFile' : 'keyFile'],
        message: 'certFile and keyFile go together',
      });
  });

/** The config as written (before defaults): what createAlertService and tests pass in. */
export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;

/** Each environment variable and the config path it sets (env wins over the file). */
export const ENV_VARS: Readonly<Record<string, readonly string[]>> = {
  TELLTALE_ALERTS_KAFKA_ENABLED: ['kafka', 'enabled'],
  TELLTALE_ALERTS_KAFKA_BROKERS: ['kafka', 'brokers'],
  TELLTALE_ALERTS_KAFKA_CLIENT_ID: ['kafka', 'clientId'],
  TELLTALE_ALERTS_KAFKA_GROUP_ID: ['kafka', 'groupId'],
  TELLTALE_ALERTS_KAFKA_TOPIC: ['kafka', 'topic'],
  TELLTALE_ALERTS_KAFKA_FROM_BEGINNING: ['kafka', 'fromBeginning'],
  ...kafkaSecurityEnvVars('TELLTALE_ALERTS_KAFKA_'),
  TELLTALE_ALERTS_KAFKA_CONNECTION_TIMEOUT: ['kafka', 'connectionTimeout'],
  TELLTALE_ALERTS_KAFKA_SESSION_TIMEOUT: ['kafka', 'sessionTimeout'],
  TELLTALE_ALERTS_RULES_FILE: ['rules', 'file'],
  TELLTALE_ALERTS_EVALUATION_INTERVAL: ['rules', 'evaluationInterval'],
  TELLTALE_ALERTS_STATE_DIR: ['state', 'dir'],
  TELLTALE_ALERTS_HOST: ['server', 'host'],
  TELLTALE_ALERTS_PORT: ['server', 'port'],
  TELLTALE_ALERTS_TOKEN: ['server', 'token'],
  TELLTALE_ALERTS_EXTERNAL_URL: ['server', 'externalUrl'],
  TELLTALE_ALERTS_RATIO_WINDOW: ['metrics', 'ratioWindow'],
  TELLTALE_ALERTS_TENANT_LABEL: ['metrics', 'tenantLabel'],
  TELLTALE_ALERTS_MAX_TENANT_LABELS: ['metrics', 'maxTenants'],
  TELLTALE_ALERTS_RESEND_INTERVAL: ['pager', 'resendInterval'],
  TELLTALE_ALERTS_LOG_LEVEL: ['log', 'level'],
};
