/** What the queue orders: a due time, an id for ties, and the slot where the queue keeps its position. */
export interface DueItem {
  readonly traceId: string;
  /** The due time the queue orders by; change it only through `update`. */
  queuedDueMs: number;
  /** The item's index in the heap; -1 when not queued. */
  queueIndex: number;
}

/**
 * A min-heap of open traces by (due time, trace id): which to finish or
 * expire next. Ties break on trace id, so the order never depends on arrival.
 * Each trace sits in it exactly once and moves when its due time changes
 * (the trace keeps its heap index): no stale entries, so the queue never
 * holds more than the open traces, which the trace budget caps. (Lazy entries
 * left an orphan-timeout entry behind for every finished trace.)
 */
export class DueQueue<T extends DueItem> {
  readonly #heap: T[] = [];

  get size(): number {
    return this.#heap.length;
  }

  /** The item due first; undefined when empty. */
  peek(): T | undefined {
    return this.#heap[0];
  }

  add(item: T, dueMs: number): void {
    item.queuedDueMs = dueMs;
    item.queueIndex = this.#heap.length;
    this.#heap.push(item);
    this.#up(item.queueIndex);
  }

  /** Moves a queued item to its new due time. */
  update(item: T, dueMs: number): void {
    const before = item.queuedDueMs;
    if (dueMs === before) return;
    item.queuedDueMs = dueMs;
    if (dueMs < before) this.#up(item.queueIndex);
    else this.#down(item.queueIndex);
  }

  remove(item: T): void {
    const i = item.queueIndex;
    if (i < 0) return;
    const heap = this.#heap;
    const last = heap.pop() as T;
    item.queueIndex = -1;
    if (last === item) return;
    heap[i] = last;
    last.queueIndex = i;
    this.#up(i);
    this.#down(last.queueIndex);
  }

  clear(): void {
    for (const item of this.#heap) item.queueIndex = -1;
    this.#heap.length = 0;
  }

  #less(a: T, b: T): boolean {
    return a.queuedDueMs < b.queuedDueMs || (a.queuedDueMs === b.queuedDueMs && a.traceId < b.traceId);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i] as T;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p] as T;
      if (!this.#less(item, parent)) break;
      heap[i] = parent;
      parent.queueIndex = i;
      i = p;
    }
    heap[i] = item;
    item.queueIndex = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.#less(heap[r] as T, heap[l] as T)) c = r;
      const child = heap[c] as T;
      if (!this.#less(child, item)) break;
      heap[i] = child;
      child.queueIndex = i;
      i = c;
    }
    heap[i] = item;
    item.queueIndex = i;
  }
}
