/**
 * `start(options)`: the OTel Node SDK with telltale's span processors, OTLP/HTTP
 * exporters, the five layers' instrumentations, and a client bound to it.
 * Never throws: a bad option falls back to its default (reported once via
 * diag), and a failure to set up leaves the host running with a no-op SDK.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import {
  context,
  DiagConsoleLogger,
  type DiagLogger,
  DiagLogLevel,
  diag,
  metrics,
  propagation,
  trace,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { HostMetrics } from '@opentelemetry/host-metrics';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { SERVICE_VERSION } from '@telltale/conventions';
import { register as registerImportHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { BaggageSpanProcessor } from './baggage-span-processor.ts';
import { TelltaleClient } from './client.ts';
import { setCurrentClient } from './current.ts';
import { BoundedBatchSpanProcessor } from './export/bounded-batch-span-processor.ts';
import { type ExportStats, emptyExportStats } from './export/export-stats.ts';
import { observeExportStats } from './instruments.ts';
import { parseOptions, type TelltaleConfig, type TelltaleOptions } from './options.ts';
import { createRuntime, TRACER_NAME, TRACER_VERSION } from './runtime.ts';

const DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/** What `start` returns: the instrumentation calls, plus flush and shutdown. */
export interface Telltale extends TelltaleClient {
  /** Exports everything buffered so far. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters it; the module-level calls become no-ops again. */
  shutdown(): Promise<void>;
}

let running: Telltale | undefined;

export function start(options?: TelltaleOptions): Telltale {
  if (running !== undefined) {
    diag.warn('telltale: start() called twice; returning the running instance');
    return running;
  }
  try {
    setDiagLogger(options);
    const config = parseOptions(options, (p) =>
      diag.warn(`telltale: option ${p.path}: ${p.message}; using the default`),
    );
    running = startSdk(config);
  } catch (err) {
    diag.error('telltale: could not start the SDK; telemetry is off', err);
    running = noopTelltale();
  }
  return running;
}

function setDiagLogger(options: TelltaleOptions | undefined): void {
  const raw = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
  const logger = raw.diagLogger;
  const level = typeof raw.logLevel === 'string' ? raw.logLevel : (process.env.OTEL_LOG_LEVEL ?? 'warn');
  diag.setLogger(
    typeof logger === 'object' && logger !== null && typeof (logger as DiagLogger).warn === 'function'
      ? (logger as DiagLogger)
      : new DiagConsoleLogger(),
    { logLevel: logLevelOf(level), suppressOverrideMessage: true },
  );
}

function logLevelOf(level: string): DiagLogLevel {
  switch (level.toLowerCase()) {
    case 'none':
      return DiagLogLevel.NONE;
    case 'error':
      return DiagLogLevel.ERROR;
    case 'info':
      return DiagLogLevel.INFO;
    case 'debug':
      return DiagLogLevel.DEBUG;
    case 'verbose':
      return DiagLogLevel.VERBOSE;
    case 'all':
      return DiagLogLevel.ALL;
    default:
      return DiagLogLevel.WARN;
  }
}

function startSdk(config: TelltaleConfig): Telltale {
  const exportStats = emptyExportStats();
  const traceExporter = config.traceExporter ?? createTraceExporter(config);
  const exportProcessor: SpanProcessor =
    config.exportMode === 'simple'
      ? new SimpleSpanProcessor({ exporter: countingExporter(traceExporter, exportStats) })
      : new BoundedBatchSpanProcessor(traceExporter, batchOptions(config), exportStats);
  const metricReader = config.metrics.enabled ? (config.metricReader ?? createMetricReader(config)) : undefined;
  const instrumentations = createInstrumentations(config);

  const resourceAttributes: Record<string, string | number | boolean> = { ...config.resourceAttributes };
  if (config.serviceVersion !== undefined) resourceAttributes[SERVICE_VERSION] = config.serviceVersion;
  if (config.environment !== undefined) resourceAttributes[DEPLOYMENT_ENVIRONMENT_NAME] = config.environment;

  const sdk = new NodeSDK({
    serviceName: config.serviceName ?? process.env.OTEL_SERVICE_NAME,
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes)),
    spanProcessors: [new BaggageSpanProcessor(), exportProcessor, ...(config.spanProcessors ?? [])],
    metricReaders: metricReader === undefined ? [] : [metricReader],
    logRecordProcessors: [],
    instrumentations,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    spanLimits: { attributeValueLengthLimit: config.maxAttributeLength },
  });
  registerEsmHooks(config);
  sdk.start();
  patchLoadedBuiltins(config);

  const meter = metrics.getMeter(TRACER_NAME, TRACER_VERSION);
  if (metricReader !== undefined) {
    observeExportStats(meter, exportStats);
    if (config.metrics.hostMetrics)
      new HostMetrics({ meterProvider: metrics.getMeterProvider(), name: TRACER_NAME }).start();
  }
  const rt = createRuntime({
    tracer: trace.getTracer(TRACER_NAME, TRACER_VERSION),
    meter,
    metricsEnabled: metricReader !== undefined,
    versions: config.versions,
    content: { capture: config.content.capture, redact: config.content.redact, maxLength: config.content.maxLength },
    defaultOutcome: config.defaultWorkflowOutcome,
    maxAttributeLength: config.maxAttributeLength,
    exportStats,
  });
  const client = new TelltaleClient(rt);
  setCurrentClient(client);

  let stopped: Promise<void> | undefined;
  return Object.assign(client, {
    forceFlush: async (): Promise<void> => {
      try {
        await exportProcessor.forceFlush();
        await metricReader?.forceFlush();
      } catch (err) {
        diag.warn('telltale: flush failed', err);
      }
    },
    shutdown: (): Promise<void> => {
      stopped ??= shutdownSdk(sdk, instrumentations);
      return stopped;
    },
  });
}

async function shutdownSdk(sdk: NodeSDK, instrumentations: Instrumentation[]): Promise<void> {
  try {
    await sdk.shutdown();
  } catch (err) {
    diag.warn('telltale: shutdown did not flush everything', err);
  }
  for (const i of instrumentations) i.disable();
  // Unregister so a later start() can register a fresh SDK.
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
  setCurrentClient(undefined);
  running = undefined;
}

function noopTelltale(): Telltale {
  const client = new TelltaleClient(createRuntime());
  return Object.assign(client, { forceFlush: async () => {}, shutdown: async () => {} });
}

function otlpUrl(config: TelltaleConfig, signal: 'traces' | 'metrics'): string | undefined {
  return config.endpoint === undefined ? undefined : `${config.endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

function protocolOf(config: TelltaleConfig, signal: 'TRACES' | 'METRICS'): 'http/protobuf' | 'http/json' {
  const env = process.env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return config.protocol ?? (env?.trim() === 'http/json' ? 'http/json' : 'http/protobuf');
}

function createTraceExporter(config: TelltaleConfig): SpanExporter {
  // The exporter's own retries stop when our export timeout does, so a dead collector frees the slot.
  const options = {
    url: otlpUrl(config, 'traces'),
    headers: config.headers,
    timeoutMillis: batchOptions(config).exportTimeoutMillis,
  };
  return protocolOf(config, 'TRACES') === 'http/json'
    ? new OTLPTraceExporterJson(options)
    : new OTLPTraceExporterProto(options);
}

function createMetricReader(config: TelltaleConfig): IMetricReader {
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

function batchOptions(config: TelltaleConfig) {
  const t = config.traces;
  const maxQueueSize = t.maxQueueSize ?? envInt('OTEL_BSP_MAX_QUEUE_SIZE') ?? 2048;
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(maxQueueSize, t.maxExportBatchSize ?? envInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512),
    scheduledDelayMillis: t.scheduledDelayMillis ?? envInt('OTEL_BSP_SCHEDULE_DELAY') ?? 1000,
    exportTimeoutMillis: t.exportTimeoutMillis ?? envInt('OTEL_BSP_EXPORT_TIMEOUT') ?? 10_000,
  };
}

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  diag.warn(`telltale: ${name}=${raw} is not a non-negative integer; using the default`);
  return undefined;
}

function createInstrumentations(config: TelltaleConfig): Instrumentation[] {
  const list: Instrumentation[] = [];
  if (config.instrumentations.http) list.push(new HttpInstrumentation());
  if (config.instrumentations.express) list.push(new ExpressInstrumentation());
  if (config.instrumentations.undici) list.push(new UndiciInstrumentation());
  if (config.metrics.enabled && config.metrics.runtimeMetrics) list.push(new RuntimeNodeInstrumentation());
  return list;
}

let esmHooksRegistered = false;

/**
 * ESM `import express from 'express'` bypasses require(), so the express
 * instrumentation only sees it through an import hook. A synchronous,
 * in-thread hook limited to the patched packages keeps its cost to those
 * imports. Only modules imported after start() are patched: start telltale
 * before importing express.
 */
function registerEsmHooks(config: TelltaleConfig): void {
  if (esmHooksRegistered || !config.instrumentations.express) return;
  try {
    if (!supportsSyncHooks()) return;
    registerImportHooks({ include: ['express'] });
    esmHooksRegistered = true;
  } catch (err) {
    diag.debug('telltale: could not register the ESM import hook', err);
  }
}

/**
 * ESM code imports node:http without going through require(), so the
 * require hook the http instrumentation relies on never fires. Requiring the
 * builtins once lets it patch them, and syncing the ESM exports makes
 * `import http from 'node:http'` see the patched functions.
 */
function patchLoadedBuiltins(config: TelltaleConfig): void {
  if (!config.instrumentations.http) return;
  try {
    const require = createRequire(import.meta.url);
    require('node:http');
    require('node:https');
    syncBuiltinESMExports();
  } catch (err) {
    diag.debug('telltale: could not patch node:http for ESM', err);
  }
}

/** Counts what a per-span (simple) export did, like the batch processor does. */
function countingExporter(exporter: SpanExporter, stats: ExportStats): SpanExporter {
  return {
    export(spans, resultCallback) {
      exporter.export(spans, (result) => {
        if (result.code === 0) stats.spansExported += spans.length;
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
