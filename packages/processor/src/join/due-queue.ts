/**
 * A min-heap of (dueMs, traceId): which open trace to finish or expire next.
 * Entries are never updated in place; the trace store re-checks an entry
 * against the trace's current due time when it pops it (lazy deletion).
 * Ties break on trace id, so the order never depends on arrival.
 */
export interface DueEntry {
  dueMs: number;
  traceId: string;
}

export class DueQueue {
  readonly #heap: DueEntry[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(e: DueEntry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i] as DueEntry, h[p] as DueEntry)) break;
      [h[i], h[p]] = [h[p] as DueEntry, h[i] as DueEntry];
      i = p;
    }
  }

  peek(): DueEntry | undefined {
    return this.#heap[0];
  }

  pop(): DueEntry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l] as DueEntry, h[m] as DueEntry)) m = l;
        if (r < h.length && less(h[r] as DueEntry, h[m] as DueEntry)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as DueEntry, h[i] as DueEntry];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.#heap.length = 0;
  }
}

function less(a: DueEntry, b: DueEntry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.traceId < b.traceId);
}
