import type { BucketCounts } from '../../store/bucket-counts.ts';
import type { SeriesKey } from '../../store/series.ts';
import type { CompiledRule, GroupLabel } from '../compiled-rule.ts';

/** What conditions read: exact sums over a window (the WindowStore implements it). */
export interface WindowedCounts {
  scan(windowMs: number, offsetMs: number, nowMs: number, visit: (key: SeriesKey, counts: BucketCounts) => void): void;
}

/** One group's verdict at one evaluation. */
export interface ConditionResult {
  /** The group_by labels of this group. */
  labels: Record<string, string>;
  /** Whether the rule's condition holds for this group now (volume guard included). */
  active: boolean;
  /** The headline number ($value): a ratio, a burn rate, a cost or a count. */
  value: number;
  /** Every number behind the verdict ($values), for annotations and custom_details. */
  values: Record<string, number>;
}

/** Groups accumulators by the rule's group_by labels. */
export class Groups<T> {
  readonly #groupBy: readonly GroupLabel[];
  readonly #make: () => T;
  readonly map = new Map<string, { labels: Record<string, string>; acc: T }>();

  constructor(groupBy: readonly GroupLabel[], make: () => T) {
    this.#groupBy = groupBy;
    this.#make = make;
  }

  of(dims: Partial<Record<GroupLabel, string>>): T {
    const labels: Record<string, string> = {};
    for (const l of this.#groupBy) labels[l] = dims[l] ?? '';
    const key = JSON.stringify(this.#groupBy.map((l) => labels[l]));
    let g = this.map.get(key);
    if (!g) {
      g = { labels, acc: this.#make() };
      this.map.set(key, g);
    }
    return g.acc;
  }
}

/** Whether the series' service, workflow and tenant pass the rule's matchers. */
export function matchesKey(rule: CompiledRule, key: SeriesKey): boolean {
  return rule.match.service(key.service) && rule.match.workflow(key.workflow) && rule.match.tenant(key.tenant);
}

/** A ratio, NaN when there is nothing to divide by (no data is not 0% and not 100%). */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? Number.NaN : numerator / denominator;
}
