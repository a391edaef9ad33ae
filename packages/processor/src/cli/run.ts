import { createKafka } from '@telltale/kafka';
import type { Logger } from 'pino';
import type { ProcessorConfig } from '../config/schema.ts';
import { loadPriceTable } from '../cost/price-table.ts';
import { newCounters } from '../engine/counters.ts';
import { TraceBudget } from '../join/trace-budget.ts';
import { type HealthServer, startHealthServer } from '../metrics/health-server.ts';
import { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import type { DecodeResult } from '../span.ts';
import { KafkaProcessor } from '../transport/kafka/kafka-processor.ts';

export interface RunningProcessor {
  /** The port /metrics, /healthz and /readyz listen on. */
  port: number;
  /** Graceful stop: finish the batch in hand, emit, commit, leave the group, close the server. */
  stop(): Promise<void>;
  /** Settles if the consumer crashes for good. */
  crashed: Promise<Error>;
}

/** Wires config → price table → engines → Kafka transport → metrics server, and starts consuming. */
export async function runProcessor(
  config: ProcessorConfig,
  logger: Logger,
  decode: (bytes: Uint8Array) => DecodeResult,
): Promise<RunningProcessor> {
  const prices = loadPriceTable(config.prices.file);
  const { maxOpenWindows, ...limits } = config.limits;
  const counters = newCounters();
  const metrics = new ProcessorMetrics(counters);
  const processor = new KafkaProcessor({
    kafka: createKafka(config.kafka, logger),
    groupId: config.kafka.groupId,
    topics: config.topics,
    decode,
    engine: {
      prices,
      window: { sizeMs: config.windows.sizeMs, graceMs: config.windows.graceMs },
      joinWaitMs: config.join.waitMs,
      orphanTimeoutMs: config.join.orphanTimeoutMs,
      traceBudget: new TraceBudget(config.join.maxOpenTraces),
      maxSpansPerTrace: config.join.maxSpansPerTrace,
      maxOpenWindows,
      limits,
    },
    counters,
    metrics,
    logger: logger.child({ component: 'kafka' }),
    idleTick: { afterMs: config.windows.idleTickMs, encoding: config.encoding },
  });
  const crashed = new Promise<Error>((resolve) => processor.onCrash(resolve));
  let server: HealthServer | undefined;
  try {
    server = await startHealthServer({
      host: config.server.host,
      port: config.server.port,
      registry: metrics.registry,
      ready: () => processor.ready,
    });
    await processor.start();
  } catch (err) {
    await server?.close();
    throw err;
  }
  const s = server;
  logger.info(
    { port: s.port, brokers: config.kafka.brokers, groupId: config.kafka.groupId, topics: config.topics },
    'telltale processor started',
  );
  return {
    port: s.port,
    crashed,
    async stop() {
      await processor.stop();
      await s.close();
    },
  };
}
