/**
 * The options of `start`, as one zod schema with the defaults beside the
 * fields. A bad option never stops the host: `parseOptions` reports it once
 * (path and reason) and parses again without it, so its default applies.
 */
import type { DiagLogger } from '@opentelemetry/api';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { WORKFLOW_OUTCOMES } from '@telltale/conventions';
import { z } from 'zod';
import type { RedactHook } from './content/capture.ts';

const attributeValue = z.union([z.string(), z.number(), z.boolean()]);
const versionString = z.string().min(1).max(256);

export const optionsSchema = z.strictObject({
  /** service.name. Default: OTEL_SERVICE_NAME, else the OTel default (`unknown_service:node`). */
  serviceName: z.string().min(1).optional(),
  /** service.version, the code release. Default: from OTEL_RESOURCE_ATTRIBUTES if set there. */
  serviceVersion: z.string().min(1).optional(),
  /** deployment.environment.name, e.g. `production`. */
  environment: z.string().min(1).optional(),
  /** Extra resource attributes. OTEL_RESOURCE_ATTRIBUTES, set at deploy time, wins over them. */
  resourceAttributes: z.record(z.string(), attributeValue).optional(),
  /**
   * Base OTLP/HTTP endpoint, e.g. `http://collector:4318` (`/v1/traces` and `/v1/metrics` are appended).
   * Default: OTEL_EXPORTER_OTLP_[TRACES_|METRICS_]ENDPOINT, else http://localhost:4318.
   */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  /** Headers on every export request. Default: OTEL_EXPORTER_OTLP_[TRACES_|METRICS_]HEADERS. */
  headers: z.record(z.string(), z.string()).optional(),
  /** OTLP encoding. Default: OTEL_EXPORTER_OTLP_PROTOCOL, else `http/protobuf`. */
  protocol: z.enum(['http/protobuf', 'http/json']).optional(),
  /** Version metadata put on workflow, model and tool spans. */
  versions: z
    .strictObject({
      prompt: versionString.optional(),
      policy: versionString.optional(),
      retrievalConfig: versionString.optional(),
    })
    .prefault({}),
  /** Prompt/completion/tool content capture. Off by default. */
  content: z
    .strictObject({
      /** Record prompts, completions, tool arguments and results. Default false. */
      capture: z.boolean().default(false),
      /** Runs on every captured text before the default scrubber; return undefined to drop it. */
      redact: z.custom<RedactHook>((v) => typeof v === 'function', 'must be a function').optional(),
      /** Longest captured text, in characters. Default 8192. */
      maxLength: z.int().min(16).max(1_000_000).default(8192),
    })
    .prefault({}),
  /** Outcome of a workflow whose fn returns without calling outcome(). Default `success`. */
  defaultWorkflowOutcome: z.enum(WORKFLOW_OUTCOMES).default('success'),
  /** Layer 2 auto-instrumentation, each on by default. */
  instrumentations: z
    .strictObject({
      http: z.boolean().default(true),
      express: z.boolean().default(true),
      undici: z.boolean().default(true),
    })
    .prefault({}),
  /** Metrics: layer 1 host/runtime metrics and the GenAI and safety metrics. */
  metrics: z
    .strictObject({
      /** Default true. */
      enabled: z.boolean().default(true),
      /** Export interval. Default: OTEL_METRIC_EXPORT_INTERVAL, else 60000. */
      exportIntervalMillis: z.int().min(100).optional(),
      /** CPU, memory, network of the host and process. Default true. */
      hostMetrics: z.boolean().default(true),
      /** Event-loop delay and utilization, GC, heap. Default true. */
      runtimeMetrics: z.boolean().default(true),
    })
    .prefault({}),
  /** The bounded span queue. Defaults: OTEL_BSP_* variables, else the values below. */
  traces: z
    .strictObject({
      /** Spans beyond this are dropped (and counted). Default 2048. */
      maxQueueSize: z.int().min(1).optional(),
      /** Default 512. */
      maxExportBatchSize: z.int().min(1).optional(),
      /** Default 1000. */
      scheduledDelayMillis: z.int().min(0).optional(),
      /** An export that takes longer is abandoned and its spans counted as failed. Default 10000. */
      exportTimeoutMillis: z.int().min(1).optional(),
    })
    .prefault({}),
  /** Longest attribute value, any span. Default 4096. */
  maxAttributeLength: z.int().min(32).default(4096),
  /** OTel diag log level. Default: OTEL_LOG_LEVEL, else `warn`. */
  logLevel: z.enum(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all']).optional(),
  /** Where diag messages go. Default: the console. */
  diagLogger: z
    .custom<DiagLogger>(
      (v) => typeof v === 'object' && v !== null && typeof (v as DiagLogger).warn === 'function',
      'must be a DiagLogger',
    )
    .optional(),
  /** Advanced: export spans here instead of OTLP (tests, benchmarks). */
  traceExporter: z
    .custom<SpanExporter>(
      (v) => typeof v === 'object' && v !== null && typeof (v as SpanExporter).export === 'function',
      'must be a SpanExporter',
    )
    .optional(),
  /** Advanced: `simple` exports each span as it ends (tests); `batch` is the bounded queue. Default `batch`. */
  exportMode: z.enum(['batch', 'simple']).default('batch'),
  /** Advanced: read metrics with this reader instead of the periodic OTLP one. */
  metricReader: z
    .custom<IMetricReader>(
      (v) => typeof v === 'object' && v !== null && typeof (v as IMetricReader).collect === 'function',
      'must be a MetricReader',
    )
    .optional(),
  /** Advanced: more span processors, run after telltale's. */
  spanProcessors: z
    .array(
      z.custom<SpanProcessor>(
        (v) => typeof v === 'object' && v !== null && typeof (v as SpanProcessor).onEnd === 'function',
        'must be a SpanProcessor',
      ),
    )
    .optional(),
});

export type TelltaleOptions = z.input<typeof optionsSchema>;
export type TelltaleConfig = z.output<typeof optionsSchema>;

export type OptionProblem = { path: string; message: string };

/**
 * Parses options without ever throwing. Each problem is passed to `report`
 * once; the offending field is removed and parsing repeats, so it falls back
 * to its default while the valid fields are kept.
 */
export function parseOptions(input: unknown, report: (problem: OptionProblem) => void): TelltaleConfig {
  let candidate: unknown = input === undefined ? {} : input;
  for (let round = 0; round < 20; round++) {
    const parsed = optionsSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of keys) {
        report({ path: path.length === 0 ? '(options)' : path.map(String).join('.'), message: issue.message });
        candidate = withoutPath(candidate, path);
      }
    }
  }
  return optionsSchema.parse({});
}

/** A copy of `value` with the field at `path` removed; copies only the objects on the path. */
function withoutPath(value: unknown, path: readonly PropertyKey[]): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return {};
  const [head, ...rest] = path as [PropertyKey, ...PropertyKey[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (typeof head === 'number') copy.splice(head, 1);
    return copy;
  }
  const copy: Record<PropertyKey, unknown> = { ...value };
  if (rest.length === 0 || typeof copy[head] !== 'object' || copy[head] === null) {
    delete copy[head];
  } else {
    copy[head] = withoutPath(copy[head], rest);
  }
  return copy;
}
