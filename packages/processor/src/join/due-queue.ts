/**
 * A min-heap of (dueMs, traceId): which open trace to finish or expire next.
 * Entries are never updated in place; the engine re-checks an entry against
 * the trace's current due time when it pops it (lazy deletion). Ties break
 * on trace id, so the order never depends on arrival. Held as two parallel
 * arrays (unboxed doubles, string refs) rather than an object per entry: one
 * entry per open trace adds up.
 */
export class DueQueue {
  readonly #due: number[] = [];
  readonly #ids: string[] = [];

  get size(): number {
    return this.#due.length;
  }

  push(dueMs: number, traceId: string): void {
    const d = this.#due;
    const ids = this.#ids;
    d.push(dueMs);
    ids.push(traceId);
    let i = d.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) break;
      this.#swap(i, p);
      i = p;
    }
  }

  /** The earliest due time; +Infinity when empty. Allocates nothing (the engine asks after every record). */
  peekDueMs(): number {
    return this.#due.length > 0 ? (this.#due[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** The trace id of the earliest entry; '' when empty. */
  peekId(): string {
    return this.#ids.length > 0 ? (this.#ids[0] as string) : '';
  }

  /** Drops the earliest entry (read it first with peekDueMs and peekId: no entry object per pop). */
  pop(): void {
    const d = this.#due;
    const ids = this.#ids;
    if (d.length === 0) return;
    const lastDue = d.pop() as number;
    const lastId = ids.pop() as string;
    if (d.length > 0) {
      d[0] = lastDue;
      ids[0] = lastId;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < d.length && this.#less(l, m)) m = l;
        if (r < d.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
  }
  clear(): void {
    this.#due.length = 0;
    this.#ids.length = 0;
  }

  #less(a: number, b: number): boolean {
    const da = this.#due[a] as number;
    const db = this.#due[b] as number;
    return da < db || (da === db && (this.#ids[a] as string) < (this.#ids[b] as string));
  }

  #swap(a: number, b: number): void {
    const d = this.#due;
    const ids = this.#ids;
    const td = d[a] as number;
    d[a] = d[b] as number;
    d[b] = td;
    const ti = ids[a] as string;
    ids[a] = ids[b] as string;
    ids[b] = ti;
  }
}
