import { OVERFLOW_REASONS, type OverflowReason } from '../windows/overflow.ts';

/** Values outside their vocabulary: counted, then handled as documented where they are read. */
/** `end_time_future`: a span ending further ahead of the wall clock than a transport that has one allows. */
export const INVALID_FIELDS = [
  'workflow_outcome',
  'safety_kind',
  'safety_severity',
  'end_time',
  'end_time_future',
] as const;
export type InvalidField = (typeof INVALID_FIELDS)[number];

/**
 * Cumulative counts an engine keeps as it goes. Several engines (one per
 * shard) may share one object; the metrics module reads it on scrape.
 */
export interface EngineCounters {
  spans: number;
  /** Spans whose window had closed when they arrived: dropped from aggregates (their safety events are still emitted). */
  lateSpans: number;
  /** Workflow contributions whose window had closed when their trace finished (only when the open-window cap forced it). */
  lateWorkflows: number;
  /** Traces that never saw a workflow span before orphanTimeoutMs: their spend stays in `models` only. */
  orphanTraces: number;
  /** Contributions a replay dropped because their window was already emitted before the restart. */
  replaySuppressed: number;
  aggregates: number;
  safetyEvents: number;
  overflow: Record<OverflowReason, number>;
  invalid: Record<InvalidField, number>;
}

export function newCounters(): EngineCounters {
  return {
    spans: 0,
    lateSpans: 0,
    lateWorkflows: 0,
    orphanTraces: 0,
    replaySuppressed: 0,
    aggregates: 0,
    safetyEvents: 0,
    overflow: Object.fromEntries(OVERFLOW_REASONS.map((r) => [r, 0])) as Record<OverflowReason, number>,
    invalid: Object.fromEntries(INVALID_FIELDS.map((f) => [f, 0])) as Record<InvalidField, number>,
  };
}
