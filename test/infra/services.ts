import { inject } from 'vitest';
import { type CollectorOptions, type RunningCollector, startCollector as startCollectorProcess } from './collector.ts';

/** Bootstrap servers of the integration run's Kafka (only inside integration tests). */
export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers');
}

/** Starts a collector with the binary global setup built. */
export function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  return startCollectorProcess({ binary: inject('collectorBinary'), ...opts });
}
