import type { PriceTable } from '../cost/price-table.ts';
import type { TraceBudget } from '../join/trace-budget.ts';
import type { CardinalityLimits } from '../windows/overflow.ts';
import type { WindowSpec } from '../windows/window-spec.ts';
import type { Checkpoint } from './checkpoint.ts';
import type { EngineCounters } from './counters.ts';

export interface EngineOptions {
  /** The input this engine owns: `topic/partition` for Kafka, `embedded/<start time>` for the all-in-one's receiver. */
  shard: string;
  /** Window size and grace. Default 10 s and 10 s. */
  window?: Partial<WindowSpec>;
  /** How long (event time) a trace waits after its workflow span's end for more spans. Default 5 s; must be ≤ grace. */
  joinWaitMs?: number;
  /** How long (event time) a trace with no workflow span is held before it expires. Default 300 s. */
  orphanTimeoutMs?: number;
  /** Open traces held at once by this engine; a new trace past it skips the join (counted). Default 50 000. */
  maxOpenTraces?: number;
  /** A budget shared with other engines of the process; replaces maxOpenTraces when given. */
  traceBudget?: TraceBudget;
  /** Parent links held per trace (for workflow attribution). Default 10 000. */
  maxSpansPerTrace?: number;
  /** Open windows at once; past it the oldest is closed early (counted). Default 64. */
  maxOpenWindows?: number;
  /** Distinct values per dimension per window. */
  limits?: Partial<CardinalityLimits>;
  prices: PriceTable;
  /** Shared counters (one object for all shards of a process); a fresh one by default. */
  counters?: EngineCounters;
  /** Resume from a checkpoint instead of from nothing. */
  restore?: Checkpoint;
}

export const DEFAULT_LIMITS: CardinalityLimits = {
  services: 100,
  workflows: 200,
  tenants: 1000,
  tools: 200,
  models: 100,
  policies: 200,
  keys: 10_000,
};

export const ENGINE_DEFAULTS = {
  windowSizeMs: 10_000,
  graceMs: 10_000,
  joinWaitMs: 5_000,
  orphanTimeoutMs: 300_000,
  maxOpenTraces: 50_000,
  maxSpansPerTrace: 10_000,
  maxOpenWindows: 64,
} as const;
