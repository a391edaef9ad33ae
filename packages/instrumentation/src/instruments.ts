/**
 * The metric instruments the SDK records: the GenAI client metrics (with the
 * semantic conventions' bucket advice), safety counters, and the SDK's own
 * export counts. Created from whichever meter the runtime was built with; the
 * no-op meter makes all of them free when metrics are off.
 */
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { ExportStats } from './export/export-stats.ts';

export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_SAFETY_EVENTS = 'telltale.safety.events';
export const METRIC_SDK_SPANS = 'telltale.sdk.spans';
/** Attribute on telltale.sdk.spans: exported | dropped | failed. */
export const SDK_SPAN_OUTCOME = 'outcome';

/** GenAI semconv advice for gen_ai.client.token.usage. */
export const TOKEN_USAGE_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** GenAI semconv advice for gen_ai.client.operation.duration (seconds). */
export const OPERATION_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

export interface Instruments {
  tokenUsage: Histogram;
  operationDuration: Histogram;
  safetyEvents: Counter;
}

export function createInstruments(meter: Meter): Instruments {
  return {
    tokenUsage: meter.createHistogram(METRIC_TOKEN_USAGE, {
      description: 'Number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
    }),
    operationDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: OPERATION_DURATION_BUCKETS },
    }),
    safetyEvents: meter.createCounter(METRIC_SAFETY_EVENTS, {
      description: 'Safety events: policy triggers, blocked actions, fallbacks, escalations',
      unit: '{event}',
    }),
  };
}

/** Exposes the export counts as a metric, so drops are visible where the rest of the metrics are. */
export function observeExportStats(meter: Meter, stats: ExportStats): void {
  const counter = meter.createObservableCounter(METRIC_SDK_SPANS, {
    description: 'Spans the telltale SDK exported, dropped (queue full) or failed to export',
    unit: '{span}',
  });
  counter.addCallback((result) => {
    result.observe(stats.spansExported, { [SDK_SPAN_OUTCOME]: 'exported' });
    result.observe(stats.spansDropped, { [SDK_SPAN_OUTCOME]: 'dropped' });
    result.observe(stats.spansFailed, { [SDK_SPAN_OUTCOME]: 'failed' });
  });
}
