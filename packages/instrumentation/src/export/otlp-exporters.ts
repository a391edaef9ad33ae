/**
 * The OTLP/HTTP exporters and the span queue settings, from options first,
 * then the standard OTEL_* variables, then defaults.
 */
import { diag } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { TelltaleConfig } from '../options.ts';
import type { BoundedBatchOptions } from './bounded-batch-span-processor.ts';
import type { ExportStats } from './export-stats.ts';

function otlpUrl(config: TelltaleConfig, signal: 'traces' | 'metrics'): string | undefined {
  return config.endpoint === undefined ? undefined : `${config.endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

function protocolOf(config: TelltaleConfig, signal: 'TRACES' | 'METRICS'): 'http/protobuf' | 'http/json' {
  const env = process.env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return config.protocol ?? (env?.trim() === 'http/json' ? 'http/json' : 'http/protobuf');
}

export function createTraceExporter(config: TelltaleConfig): SpanExporter {
  // The exporter's own retries stop when our export timeout does, so a dead collector frees the slot; a shorter
  // OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT is honoured.
  const bound = batchOptions(config).exportTimeoutMillis;
  const env = Number(process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? process.env.OTEL_EXPORTER_OTLP_TIMEOUT);
  const options = {
    url: otlpUrl(config, 'traces'),
    headers: config.headers,
    timeoutMillis: Number.isInteger(env) && env > 0 ? Math.min(env, bound) : bound,
  };
  return protocolOf(config, 'TRACES') === 'http/json'
    ? new OTLPTraceExporterJson(options)
    : new OTLPTraceExporterProto(options);
}

export function createMetricReader(config: TelltaleConfig): IMetricReader {
  const options = { url: otlpUrl(config, 'metrics'), headers: config.headers };
  const exporter =
    protocolOf(config, 'METRICS') === 'http/json'
      ? new OTLPMetricExporterJson(options)
      : new OTLPMetricExporterProto(options);
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: config.metrics.exportIntervalMillis ?? envInt('OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000,
  });
}

export function batchOptions(config: TelltaleConfig): BoundedBatchOptions {
  const t = config.traces;
  const maxQueueSize = t.maxQueueSize ?? envInt('OTEL_BSP_MAX_QUEUE_SIZE', 1) ?? 2048;
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(
      maxQueueSize,
      t.maxExportBatchSize ?? envInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 1) ?? 512,
    ),
    scheduledDelayMillis: t.scheduledDelayMillis ?? envInt('OTEL_BSP_SCHEDULE_DELAY') ?? 1000,
    exportTimeoutMillis: t.exportTimeoutMillis ?? envInt('OTEL_BSP_EXPORT_TIMEOUT', 1) ?? 10_000,
  };
}

/** An integer OTEL_* setting of at least `min`; anything else is warned about and left to the default. */
function envInt(name: string, min = 0): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min) return n;
  diag.warn(`telltale: ${name}=${raw} is not an integer of at least ${min}; using the default`);
  return undefined;
}

/** Counts what a per-span (simple) export did, like the batch processor does. */
export function countingExporter(exporter: SpanExporter, stats: ExportStats): SpanExporter {
  return {
    export(spans, resultCallback) {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) stats.spansExported += spans.length;
        else {
          stats.spansFailed += spans.length;
          stats.exportsFailed++;
        }
        resultCallback(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
