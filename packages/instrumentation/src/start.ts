/**
 * `start(options)`: the OTel Node SDK with telltale's span processors, OTLP/HTTP
 * exporters, the five layers' instrumentations, and a client bound to it.
 * Never throws: a bad option falls back to its default (reported once via
 * diag), and a failure to set up leaves the host running with a no-op SDK.
 */
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
import {
  CompositePropagator,
  getBooleanFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { HostMetrics } from '@opentelemetry/host-metrics';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { SERVICE_VERSION } from '@telltale/conventions';
import { BaggageSpanProcessor } from './baggage-span-processor.ts';
import { TelltaleClient } from './client.ts';
import { setCurrentClient } from './current.ts';
import { patchLoadedBuiltins, registerEsmHooks } from './esm-patching.ts';
import { BoundedBatchSpanProcessor } from './export/bounded-batch-span-processor.ts';
import { emptyExportStats } from './export/export-stats.ts';
import { batchOptions, countingExporter, createMetricReader, createTraceExporter } from './export/otlp-exporters.ts';
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
    if (getBooleanFromEnv('OTEL_SDK_DISABLED')) {
      // Off means off: no SDK, and no module patched by instrumentations that would only make no-op spans.
      diag.info('telltale: OTEL_SDK_DISABLED is set; telemetry is off');
      running = noopTelltale();
      return running;
    }
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

function setDiagLogger(options: TelltaleOptions | TelltaleConfig | undefined): void {
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
    spanLimits: { attributeValueLengthLimit: attributeValueLimit(config) },
  });
  // NodeSDK's constructor puts a console logger in place whenever OTEL_LOG_LEVEL is set; the options win.
  setDiagLogger(config);
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

/**
 * The SDK's limit cuts every string attribute, captured content included.
 * telltale clips its own attributes to maxAttributeLength before setting
 * them, so with capture on the SDK's limit can be content.maxLength.
 */
function attributeValueLimit(config: TelltaleConfig): number {
  return config.content.capture
    ? Math.max(config.maxAttributeLength, config.content.maxLength)
    : config.maxAttributeLength;
}

/** The handle when telemetry is off (disabled, or the SDK failed to start): the calls only run fn. */
function noopTelltale(): Telltale {
  const client = new TelltaleClient(createRuntime());
  const handle: Telltale = Object.assign(client, {
    forceFlush: async () => {},
    // Nothing to stop; like any shutdown it lets a later start() try again.
    shutdown: async () => {
      if (running === handle) running = undefined;
    },
  });
  return handle;
}

function createInstrumentations(config: TelltaleConfig): Instrumentation[] {
  const list: Instrumentation[] = [];
  if (config.instrumentations.http) list.push(new HttpInstrumentation());
  if (config.instrumentations.express) list.push(new ExpressInstrumentation());
  if (config.instrumentations.undici) list.push(new UndiciInstrumentation());
  if (config.metrics.enabled && config.metrics.runtimeMetrics) list.push(new RuntimeNodeInstrumentation());
  return list;
}
