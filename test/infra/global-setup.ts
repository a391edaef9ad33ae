import type { TestProject } from 'vitest/node';
import { ensureCollector } from './collector.ts';
import { type KafkaBroker, startKafka } from './kafka.ts';
import { stopAllProcesses } from './process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers of the broker started here, or of KAFKA_BROKERS. */
    kafkaBrokers: string[];
    /** Path of the collector binary built from test/infra/collector/builder-config.yaml. */
    collectorBinary: string;
  }
}

const log = (line: string): void => {
  console.log(`[infra] ${line}`);
};

/**
 * Integration global setup: one real Kafka broker for the whole run (unless
 * KAFKA_BROKERS points at a cluster) and the collector binary built or taken
 * from the cache. Prometheus, Alertmanager and collectors are per test, each
 * with its own config, through the helpers in this folder.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let broker: KafkaBroker | undefined;
  try {
    const external = process.env.KAFKA_BROKERS?.split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (external && external.length > 0) {
      log(`kafka: using KAFKA_BROKERS=${external.join(',')}; starting nothing`);
      project.provide('kafkaBrokers', external);
    } else {
      broker = await startKafka(log);
      project.provide('kafkaBrokers', broker.brokers);
    }
    project.provide('collectorBinary', await ensureCollector(log));
  } catch (err) {
    await broker?.stop();
    await stopAllProcesses();
    throw err;
  }
  return async () => {
    await stopAllProcesses();
    await broker?.stop();
  };
}
