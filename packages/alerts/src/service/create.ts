import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { createKafka } from '@telltale/kafka';
import { closeServer, listen } from '@telltale/service';
import { type Logger, pino } from 'pino';
import { createApp } from '../api/app.ts';
import { parseConfig } from '../config/load.ts';
import type { AlertsConfig, AlertsConfigInput } from '../config/schema.ts';
import type { AlertNotification, NotificationChannel } from '../notify/notification.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import { KafkaAggregateSource } from '../source/kafka.ts';
import { AlertService, type ApplyResult } from './alert-service.ts';

export interface CreateAlertServiceOptions {
  logger?: Logger;
  /** Channels instead of those the config describes. */
  channels?: NotificationChannel[];
  /** Rules instead of the config's rule file. */
  rules?: CompiledRule[];
  /** Wall clock in ms; default Date.now (tests drive their own). */
  now?: () => number;
}

export interface RunningAlertService {
  readonly service: AlertService;
  /** The HTTP port (/metrics, /api/v1/*, /healthz, /readyz). */
  readonly port: number;
  /** Base URL of the HTTP API. */
  readonly url: string;
  /** Applies one aggregate in-process (validated, exactly once by id); durable at the next evaluation. */
  apply(aggregate: unknown): ApplyResult;
  /** Evaluates the rules now (the timer does it every rules.evaluationInterval). */
  evaluate(): Promise<AlertNotification[]>;
  /** Graceful stop: stop consuming, persist the state, let deliveries finish, close the server. */
  stop(): Promise<void>;
  /** Settles if the Kafka consumer crashes for good (never, without Kafka). */
  readonly crashed: Promise<Error>;
}

/**
 * The alert service, started: the HTTP server, the evaluation timer and,
 * when `kafka.enabled`, the Kafka consumer. With Kafka off (the embedded
 * all-in-one), aggregates come in through `apply` or POST /api/v1/aggregates.
 */
export async function createAlertService(
  input: AlertsConfigInput | AlertsConfig,
  options: CreateAlertServiceOptions = {},
): Promise<RunningAlertService> {
  const config = parseConfig(input);
  const logger = options.logger ?? pino({ name: 'telltale-alerts', level: config.log.level });
  const service = new AlertService(config, {
    logger,
    ...(options.channels ? { channels: options.channels } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  let source: KafkaAggregateSource | undefined;
  let onCrash: (err: Error) => void = () => {};
  const crashed = new Promise<Error>((resolve) => {
    onCrash = resolve;
  });
  const app = createApp(service, {
    ready: () => {
      if (source && !source.ready) return { ready: false, reason: 'not (yet) in the Kafka consumer group' };
      return { ready: true };
    },
  });
  const server: Server = createServer(app);
  let port: number;
  try {
    port = await listen(server, config.server.port, config.server.host);
  } catch (err) {
    await service.close();
    throw err;
  }
  const bind = config.server.host;
  const any = bind === '0.0.0.0' || bind === '::';
  const literal = (h: string) => (h.includes(':') ? `[${h}]` : h);
  // Reachable from this host (tests, the all-in-one); the links in notifications use the host name.
  const url = `http://${bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '[::1]' : literal(bind)}:${port}`;
  service.setBaseUrl(config.server.externalUrl ?? `http://${any ? hostname() : literal(bind)}:${port}`);
  try {
    if (config.kafka.enabled) {
      source = new KafkaAggregateSource({
        kafka: createKafka({ ...config.kafka, connectionTimeoutMs: config.kafka.connectionTimeout }, logger),
        topic: config.kafka.topic,
        groupId: config.kafka.groupId,
        fromBeginning: config.kafka.fromBeginning,
        sessionTimeout: config.kafka.sessionTimeout,
        sink: service,
        logger: logger.child({ component: 'kafka' }),
      });
      source.onCrash(onCrash);
      await source.start();
    }
  } catch (err) {
    await closeServer(server);
    await service.close();
    throw err;
  }
  service.startEvaluating();
  logger.info(
    {
      port,
      rules: service.rules.map((r) => r.name),
      kafka: config.kafka.enabled
        ? { brokers: config.kafka.brokers, topic: config.kafka.topic, groupId: config.kafka.groupId }
        : false,
      channels: config.channels.map((c) => `${c.name} (${c.type})`),
      stateDir: config.state.dir,
    },
    'telltale alerts started',
  );
  let stopping: Promise<void> | undefined;
  return {
    service,
    port,
    url,
    apply: (aggregate) => service.apply(aggregate),
    evaluate: () => service.evaluate(),
    crashed,
    stop() {
      stopping ??= (async () => {
        await source?.stop();
        await service.close();
        await closeServer(server);
      })();
      return stopping;
    },
  };
}
