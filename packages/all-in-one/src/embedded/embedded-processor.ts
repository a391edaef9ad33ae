import {
  Engine,
  type EngineOutput,
  loadPriceTable,
  newCounters,
  ProcessorMetrics,
  type RunningOtlpHttpReceiver,
  startOtlpHttpReceiver,
} from '@telltale/processor';
import type { Logger } from 'pino';

/**
 * The processor engine fed by the embedded OTLP/HTTP receiver instead of
 * Kafka: one shard per run (`embedded/<start time>`), positions counted per request, and stream
 * time driven by the wall clock so windows close when traffic goes quiet.
 * Every aggregate and safety event the engine produces goes to `onOutput`
 * (the alert service, in the all-in-one) as soon as it exists.
 */

export interface EmbeddedProcessorOptions {
  host: string;
  port: number;
  windowMs: number;
  graceMs: number;
  /** Event time a trace waits after its workflow span for late children; ≤ graceMs. Default half the grace. */
  joinWaitMs?: number;
  /** Price overrides (YAML/JSON), on top of the shipped table. */
  pricesFile?: string;
  onOutput: (output: EngineOutput) => void;
  logger: Logger;
  /** How often stream time catches up with the wall clock. Default 1 s. */
  tickMs?: number;
  /** The wall clock (tests pass their own). */
  now?: () => number;
  /**
   * Spans ending further ahead of the wall clock than this are dropped and
   * counted (invalid_values_total{field="end_time_future"}): stream time is
   * the latest end seen, so one client with its clock ahead would otherwise
   * make everyone else's spans late. Default 60 s.
   */
  maxAheadMs?: number;
}

export interface RunningEmbeddedProcessor {
  /** Base OTLP/HTTP URL; traces go to `${url}/v1/traces`. */
  url: string;
  port: number;
  metrics: ProcessorMetrics;
  /** Stops receiving, closes every open window and trace, delivers what they hold. */
  stop(): Promise<void>;
}

export async function startEmbeddedProcessor(opts: EmbeddedProcessorOptions): Promise<RunningEmbeddedProcessor> {
  const log = opts.logger.child({ component: 'processor' });
  const now = opts.now ?? Date.now;
  const counters = newCounters();
  const engine = new Engine({
    // Unique per run: a window flushed at a stop and continued after a restart gives two records that add up,
    // not one id twice (which the alert service would apply once).
    shard: `embedded/${now().toString(36)}`,
    prices: loadPriceTable(opts.pricesFile),
    window: { sizeMs: opts.windowMs, graceMs: opts.graceMs },
    joinWaitMs: opts.joinWaitMs ?? Math.floor(opts.graceMs / 2),
    counters,
  });
  const metrics = new ProcessorMetrics(counters, { defaultMetrics: false });
  metrics.observeOpenState(
    () => engine.openTraces,
    () => engine.openWindows,
  );
  const deliver = (): void => {
    const out = engine.drain();
    if (out.aggregates.length > 0 || out.safetyEvents.length > 0) opts.onOutput(out);
  };
  let position = 0n;
  const receiver: RunningOtlpHttpReceiver = await startOtlpHttpReceiver({
    host: opts.host,
    port: opts.port,
    logger: log,
    sink: (spans) => {
      const aheadMs = opts.maxAheadMs ?? 60_000;
      const limit = now() + aheadMs;
      const kept = spans.some((s) => s.endTimeMs > limit) ? spans.filter((s) => s.endTimeMs <= limit) : spans;
      const rejected = spans.length - kept.length;
      counters.invalid.end_time_future += rejected;
      engine.process(kept, position++);
      deliver();
      // Told to the client as partial_success: its clock is skewed, and only it can fix that.
      if (rejected > 0)
        return {
          rejected,
          message: `${rejected} of ${spans.length} spans end more than ${aheadMs / 1000} s ahead of the receiver's clock; check the sender's clock`,
        };
    },
    onOutcome: (o) => {
      if (o.path === '/v1/traces') metrics.records.inc();
    },
  });
  const tick = setInterval(() => {
    engine.advance(now());
    deliver();
  }, opts.tickMs ?? 1000);
  tick.unref();
  log.debug({ url: receiver.url }, 'embedded processor receiving');
  return {
    url: receiver.url,
    port: receiver.port,
    metrics,
    async stop() {
      clearInterval(tick);
      await receiver.close();
      engine.flush();
      deliver();
    },
  };
}
