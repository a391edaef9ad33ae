import type { AggregateRecord } from '@telltale/conventions';
import { StateFileError } from '../errors.ts';
import { AppliedWindows, type AppliedWindowsJson } from './applied-windows.ts';
import {
  addAggregate,
  type BucketCounts,
  type BucketCountsJson,
  bucketFromJson,
  bucketToJson,
} from './bucket-counts.ts';
import { SeriesIndex, type SeriesKey, type SeriesLimits } from './series.ts';
import { Tier } from './tier.ts';

/** 10 s buckets for windows up to an hour (the processor's window size, so sums are exact to the window). */
export const FINE_BUCKET_MS = 10_000;
export const FINE_RETENTION_MS = 3_600_000;
/** 5 min buckets beyond an hour: long windows (6h, 3d, a day earlier) cost 288 buckets a day per series. */
export const COARSE_BUCKET_MS = 300_000;

export interface StoreOptions {
  /** The longest time back any reader looks (window plus offset). */
  lookbackMs: number;
  /** Kept beyond the lookback: how late an aggregate may arrive and still count. */
  marginMs: number;
  limits: SeriesLimits;
  /** How far past now a window may end (clock skew); later ones are refused. Default 1h. */
  maxFutureMs?: number;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'too_old' | 'too_new';

/**
 * The windowed counts the rules evaluate on, and the exactly-once gate in
 * front of them. Each aggregate is applied once: partial aggregates of the
 * same window from several shards have different ids and add up; a replay
 * is a duplicate; an aggregate older than the store keeps is refused (it may
 * have been forgotten). The gate remembers (shard, window, key), what the id
 * is a hash of (the service checks that they agree). Pure: the caller
 * passes the time.
 */
export class WindowStore {
  readonly horizonMs: number;
  readonly #maxFutureMs: number;
  #applied = new AppliedWindows();
  readonly #series: SeriesIndex;
  readonly #fine: Tier;
  readonly #coarse: Tier;
  /** The latest window end applied, ms: how fresh the data is. */
  newestWindowEndMs: number | null = null;

  constructor(options: StoreOptions) {
    this.horizonMs = Math.max(options.lookbackMs, FINE_RETENTION_MS) + options.marginMs;
    this.#maxFutureMs = options.maxFutureMs ?? 3_600_000;
    this.#series = new SeriesIndex(options.limits);
    this.#fine = new Tier(FINE_BUCKET_MS, FINE_RETENTION_MS);
    this.#coarse = new Tier(COARSE_BUCKET_MS, this.horizonMs);
  }

  apply(aggregate: AggregateRecord, nowMs: number): ApplyOutcome {
    if (this.#applied.has(aggregate)) return 'duplicate';
    const { startMs, endMs } = aggregate.window;
    if (this.#applied.tooOld(endMs) || endMs <= nowMs - this.horizonMs) return 'too_old';
    // By its end: a window that started now but ends a year ahead would hold the freshness gauge there for good.
    if (endMs > nowMs + this.#maxFutureMs) return 'too_new';
    const series = this.#series.intern(aggregate.key);
    const tool = (name: string) => this.#series.tool(name);
    addAggregate(this.#fine.at(series, startMs), aggregate, tool);
    addAggregate(this.#coarse.at(series, startMs), aggregate, tool);
    this.#applied.add(aggregate);
    if (this.newestWindowEndMs === null || endMs > this.newestWindowEndMs) this.newestWindowEndMs = endMs;
    return 'applied';
  }

  /**
   * Visits each series' counts over the `windowMs` before now (the current,
   * partial bucket included), shifted back by `offsetMs`. A shifted window
   * ends at the bucket boundary at or before `now − offset`: the bucket that
   * holds that instant is complete, and would bring in up to a bucket of data
   * from after it (5 minutes past "this time yesterday").
   */
  scan(windowMs: number, offsetMs: number, nowMs: number, visit: (key: SeriesKey, counts: BucketCounts) => void): void {
    const tier = this.#tierFor(windowMs, offsetMs);
    const endMs = offsetMs > 0 ? tier.indexOf(nowMs - offsetMs) * tier.bucketMs : nowMs;
    tier.scan(windowMs, endMs, (id, counts) => visit(this.#series.key(id), counts));
  }

  #tierFor(windowMs: number, offsetMs: number): Tier {
    if (this.#fine.covers(windowMs, offsetMs)) return this.#fine;
    if (windowMs % COARSE_BUCKET_MS === 0 && offsetMs % COARSE_BUCKET_MS === 0) return this.#coarse;
    throw new RangeError(`the store cannot sum a ${windowMs} ms window offset by ${offsetMs} ms exactly`);
  }

  /** Forgets buckets and ids older than the horizon. */
  prune(nowMs: number): void {
    this.#applied.forgetUpTo(nowMs - this.horizonMs);
    const a = this.#fine.prune(nowMs);
    const b = this.#coarse.prune(nowMs);
    if (!a && !b) return;
    const liveSeries = new Set<string>();
    const liveTools = new Set<string>();
    for (const tier of [this.#fine, this.#coarse])
      for (const bucket of tier.buckets.values())
        for (const [id, counts] of bucket) {
          liveSeries.add(id);
          for (const t of counts.tools.keys()) liveTools.add(t);
        }
    this.#series.retain(liveSeries, liveTools);
  }

  stats(): { ids: number; series: number; fineBuckets: number; coarseBuckets: number; overflowed: number } {
    return {
      ids: this.#applied.size,
      series: this.#series.size,
      fineBuckets: this.#fine.buckets.size,
      coarseBuckets: this.#coarse.buckets.size,
      overflowed: this.#series.overflowed,
    };
  }

  snapshot(): StoreSnapshot {
    const tier = (t: Tier): TierJson => ({
      bucketMs: t.bucketMs,
      buckets: [...t.buckets].map(([i, b]) => [i, Object.fromEntries([...b].map(([s, c]) => [s, bucketToJson(c)]))]),
    });
    return {
      version: 1,
      newestWindowEndMs: this.newestWindowEndMs,
      applied: this.#applied.toJSON(),
      fine: tier(this.#fine),
      coarse: tier(this.#coarse),
    };
  }

  /** Loads a snapshot into this (empty) store. */
  restore(snapshot: StoreSnapshot): void {
    if (snapshot.version !== 1) throw new StateFileError(`store snapshot version ${snapshot.version} is not 1`);
    this.#applied = AppliedWindows.fromJSON(snapshot.applied);
    this.newestWindowEndMs = snapshot.newestWindowEndMs ?? null;
    for (const [tier, json] of [
      [this.#fine, snapshot.fine],
      [this.#coarse, snapshot.coarse],
    ] as const) {
      if (json.bucketMs !== tier.bucketMs)
        throw new StateFileError(`store snapshot has ${json.bucketMs} ms buckets where ${tier.bucketMs} ms are used`);
      for (const [i, bySeries] of json.buckets) {
        const bucket = new Map<string, BucketCounts>();
        for (const [id, c] of Object.entries(bySeries)) {
          const counts = bucketFromJson(c);
          for (const t of counts.tools.keys()) this.#series.registerTool(t);
          let series: string;
          try {
            series = this.#series.register(id);
          } catch (err) {
            throw new StateFileError(`store snapshot: ${(err as Error).message}`);
          }
          bucket.set(series, counts);
        }
        tier.buckets.set(i, bucket);
      }
    }
  }
}

interface TierJson {
  bucketMs: number;
  buckets: [number, Record<string, BucketCountsJson>][];
}

export interface StoreSnapshot {
  version: 1;
  newestWindowEndMs?: number | null;
  applied: AppliedWindowsJson;
  fine: TierJson;
  coarse: TierJson;
}
