/** What the queue orders: an id for ties, and the slot where the queue keeps the item's position. */
export interface DueItem {
  readonly traceId: string;
  /** The item's index in the heap; -1 when not queued. */
  queueIndex: number;
}

/**
 * A min-heap of open traces by (due time, trace id): which to finish or
 * expire next. Ties break on trace id, so the order never depends on arrival.
 * Each trace sits in it exactly once and moves when its due time changes
 * (the trace keeps its heap index): no stale entries, so the queue never
 * holds more than the open traces, which the trace budget caps. (Lazy entries
 * left an orphan-timeout entry behind for every finished trace.) Due times
 * live in their own array (unboxed doubles side by side), so sifting compares
 * without visiting every trace object on the way.
 */
export class DueQueue<T extends DueItem> {
  readonly #items: T[] = [];
  readonly #due: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** The item due first; undefined when empty. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** The earliest due time; +Infinity when empty. */
  peekDueMs(): number {
    return this.#due.length > 0 ? (this.#due[0] as number) : Number.POSITIVE_INFINITY;
  }

  add(item: T, dueMs: number): void {
    const i = this.#items.length;
    this.#items.push(item);
    this.#due.push(dueMs);
    item.queueIndex = i;
    this.#up(i);
  }

  /** Moves a queued item to its new due time. */
  update(item: T, dueMs: number): void {
    const i = item.queueIndex;
    const before = this.#due[i] as number;
    if (dueMs === before) return;
    this.#due[i] = dueMs;
    if (dueMs < before) this.#up(i);
    else this.#down(i);
  }

  remove(item: T): void {
    const i = item.queueIndex;
    if (i < 0) return;
    item.queueIndex = -1;
    const items = this.#items;
    const last = items.pop() as T;
    const lastDue = this.#due.pop() as number;
    if (last === item) return;
    items[i] = last;
    this.#due[i] = lastDue;
    last.queueIndex = i;
    this.#up(i);
    this.#down(last.queueIndex);
  }

  clear(): void {
    for (const item of this.#items) item.queueIndex = -1;
    this.#items.length = 0;
    this.#due.length = 0;
  }

  /** Whether (da, a) goes before (db, b). */
  #less(da: number, a: T, db: number, b: T): boolean {
    return da < db || (da === db && a.traceId < b.traceId);
  }

  // Both sifts carry the moving item aside and shift the others over its slot (a hole), writing it once at the end.
  #up(i: number): void {
    const items = this.#items;
    const due = this.#due;
    const item = items[i] as T;
    const d = due[i] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p] as T;
      const dp = due[p] as number;
      if (!this.#less(d, item, dp, parent)) break;
      items[i] = parent;
      due[i] = dp;
      parent.queueIndex = i;
      i = p;
    }
    items[i] = item;
    due[i] = d;
    item.queueIndex = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const due = this.#due;
    const n = items.length;
    const item = items[i] as T;
    const d = due[i] as number;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let child = items[l] as T;
      let dc = due[l] as number;
      const r = l + 1;
      if (r < n) {
        const right = items[r] as T;
        const dr = due[r] as number;
        if (this.#less(dr, right, dc, child)) {
          c = r;
          child = right;
          dc = dr;
        }
      }
      if (!this.#less(dc, child, d, item)) break;
      items[i] = child;
      due[i] = dc;
      child.queueIndex = i;
      i = c;
    }
    items[i] = item;
    due[i] = d;
    item.queueIndex = i;
  }
}
