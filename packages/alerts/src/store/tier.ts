import { type BucketCounts, emptyBucket } from './bucket-counts.ts';

/**
 * One resolution of the store: aligned buckets of `bucketMs`, each holding the
 * counts of every series that had data in it, kept for `retentionMs`. Buckets
 * are sparse (a quiet series costs nothing) and aligned to the epoch, so any
 * window that is a whole number of buckets sums exactly.
 */
export class Tier {
  readonly bucketMs: number;
  readonly retentionMs: number;
  /** Bucket index (start / bucketMs) → series id → counts. */
  readonly buckets = new Map<number, Map<string, BucketCounts>>();

  constructor(bucketMs: number, retentionMs: number) {
    this.bucketMs = bucketMs;
    this.retentionMs = retentionMs;
  }

  indexOf(timeMs: number): number {
    return Math.floor(timeMs / this.bucketMs);
  }

  /** The counts of a series in the bucket holding `timeMs`, created empty if absent. */
  at(series: string, timeMs: number): BucketCounts {
    const idx = this.indexOf(timeMs);
    let bucket = this.buckets.get(idx);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(idx, bucket);
    }
    let counts = bucket.get(series);
    if (!counts) {
      counts = emptyBucket();
      bucket.set(series, counts);
    }
    return counts;
  }

  /**
   * Visits every series' counts in the `windowMs` before `endMs` (exclusive):
   * at a bucket boundary exactly the last windowMs; between boundaries the
   * current, partial bucket counts too, so the newest data counts at once.
   */
  scan(windowMs: number, endMs: number, visit: (series: string, counts: BucketCounts) => void): void {
    const last = this.indexOf(endMs - 1);
    const first = last - Math.round(windowMs / this.bucketMs) + 1;
    if (last - first + 1 <= this.buckets.size) {
      for (let i = first; i <= last; i++) {
        const bucket = this.buckets.get(i);
        if (bucket) for (const [s, c] of bucket) visit(s, c);
      }
    } else {
      for (const [i, bucket] of this.buckets) if (i >= first && i <= last) for (const [s, c] of bucket) visit(s, c);
    }
  }

  /** Drops buckets wholly older than the retention; true when any was dropped. */
  prune(nowMs: number): boolean {
    const oldest = this.indexOf(nowMs - this.retentionMs);
    let dropped = false;
    for (const i of this.buckets.keys())
      if (i < oldest) {
        this.buckets.delete(i);
        dropped = true;
      }
    return dropped;
  }

  /** Whether a window of this length (optionally offset) can be answered exactly by this tier. */
  covers(windowMs: number, offsetMs: number): boolean {
    return windowMs % this.bucketMs === 0 && offsetMs % this.bucketMs === 0 && windowMs + offsetMs <= this.retentionMs;
  }
}
