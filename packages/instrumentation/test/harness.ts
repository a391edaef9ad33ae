/**
 * Starts the real SDK with an in-memory span exporter and a pull metric
 * reader, so tests read back exactly what would have been exported.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { type MetricData, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { start, type Telltale, type TelltaleOptions } from '../src/index.ts';

class PullMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestSdk {
  telltale: Telltale;
  exporter: InMemorySpanExporter;
  /** Finished spans, after waiting for pending exports (resource detection makes them async). */
  spans(): Promise<ReadableSpan[]>;
  span(name: string): Promise<ReadableSpan>;
  /** Reads the metrics recorded so far; `metric` then looks them up. */
  collectMetrics(): Promise<void>;
  metric(name: string): MetricData | undefined;
  /** Names of the metrics read by the last collectMetrics. */
  names(): string[];
  warnings: string[];
  stop(): Promise<void>;
}

export function startTestSdk(options: TelltaleOptions = {}): TestSdk {
  const exporter = new InMemorySpanExporter();
  const reader = new PullMetricReader();
  const warnings: string[] = [];
  const logger: DiagLogger = {
    error: (m) => warnings.push(m),
    warn: (m) => warnings.push(m),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  const telltale = start({
    serviceName: 'test-service',
    traceExporter: exporter,
    exportMode: 'simple',
    metricReader: reader,
    diagLogger: logger,
    instrumentations: { http: false, express: false, undici: false },
    ...options,
    metrics: { hostMetrics: false, runtimeMetrics: false, ...options.metrics },
  });
  let last: ResourceMetrics | undefined;
  return {
    telltale,
    exporter,
    warnings,
    async spans() {
      await telltale.forceFlush();
      return exporter.getFinishedSpans();
    },
    async span(name) {
      await telltale.forceFlush();
      const found = exporter.getFinishedSpans().find((s) => s.name === name);
      if (found === undefined) {
        throw new Error(
          `no span ${name}; have ${exporter
            .getFinishedSpans()
            .map((s) => s.name)
            .join(', ')}`,
        );
      }
      return found;
    },
    metric(name) {
      return last?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
    },
    async stop() {
      await telltale.shutdown();
      exporter.reset();
    },
    names() {
      return last?.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name)) ?? [];
    },
    async collectMetrics() {
      last = (await reader.collect()).resourceMetrics;
    },
  };
}

/** An exporter that keeps what it is given, answering success at once. */
export function arrayExporter(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export: (batch, done) => {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
  };
}
