/**
 * The state every instrumentation call reads: tracer, instruments, version
 * metadata and content policy. `start` builds one from validated options; a
 * default one over the global OTel API serves calls made before `start`.
 */
import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import type { WorkflowOutcome } from '@telltale/conventions';
import { CONTENT_OFF, type ContentPolicy } from './content/capture.ts';
import { type ExportStats, emptyExportStats } from './export/export-stats.ts';
import { createInstruments, type Instruments } from './instruments.ts';

export const TRACER_NAME = '@telltale/instrumentation';
export const TRACER_VERSION = '0.1.0';

/** Version metadata recorded on workflow, model and tool spans. */
export interface Versions {
  prompt?: string | undefined;
  policy?: string | undefined;
  retrievalConfig?: string | undefined;
}

export interface Runtime {
  tracer: Tracer;
  instruments: Instruments;
  /** False when start() was told metrics are off: skips building metric attributes at all. */
  metricsEnabled: boolean;
  versions: Versions;
  content: ContentPolicy;
  /** Outcome of a workflow whose fn returns without calling outcome(). */
  defaultOutcome: WorkflowOutcome;
  /** Longest free-text attribute value (decision values, error messages). */
  maxAttributeLength: number;
  exportStats: ExportStats;
  /** Faults inside the SDK that were swallowed to protect the host. */
  internalErrors: number;
}

export interface RuntimeParts {
  tracer?: Tracer;
  meter?: Meter;
  metricsEnabled?: boolean;
  versions?: Versions;
  content?: ContentPolicy;
  defaultOutcome?: WorkflowOutcome;
  maxAttributeLength?: number;
  exportStats?: ExportStats;
}

export function createRuntime(parts: RuntimeParts = {}): Runtime {
  return {
    tracer: parts.tracer ?? trace.getTracer(TRACER_NAME, TRACER_VERSION),
    instruments: createInstruments(parts.meter ?? metrics.getMeter(TRACER_NAME, TRACER_VERSION)),
    metricsEnabled: parts.metricsEnabled ?? true,
    versions: parts.versions ?? {},
    content: parts.content ?? CONTENT_OFF,
    defaultOutcome: parts.defaultOutcome ?? 'success',
    maxAttributeLength: parts.maxAttributeLength ?? 4096,
    exportStats: parts.exportStats ?? emptyExportStats(),
    internalErrors: 0,
  };
}
