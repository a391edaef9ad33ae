/**
 * A min-heap of open trace slots by (due time, trace id): which trace to
 * finish or expire next. Ties break on trace id, so the order never depends
 * on arrival. Each slot sits in it at most once and moves when its due time
 * changes: no stale entries, so the queue never holds more than the open
 * traces, which the trace budget caps. Everything is in flat arrays indexed
 * by heap position or by slot, so an open trace costs the heap no object.
 */
export class DueQueue {
  /** Slot at each heap position, and its due time beside it (sifting compares without leaving the arrays). */
  #heap = new Int32Array(1024);
  #due = new Float64Array(1024);
  /** Heap position of each slot; -1 when not queued. */
  #pos = new Int32Array(1024).fill(-1);
  #size = 0;
  /** The tie-break: a slot's trace id (the store's column, read through). */
  readonly #ids: (slot: number) => string;

  constructor(ids: (slot: number) => string) {
    this.#ids = ids;
  }

  get size(): number {
    return this.#size;
  }

  /** The slot due first; -1 when empty. */
  peek(): number {
    return this.#size > 0 ? (this.#heap[0] as number) : -1;
  }

  /** The earliest due time; +Infinity when empty. */
  peekDueMs(): number {
    return this.#size > 0 ? (this.#due[0] as number) : Number.POSITIVE_INFINITY;
  }

  has(slot: number): boolean {
    return slot < this.#pos.length && (this.#pos[slot] as number) >= 0;
  }

  add(slot: number, dueMs: number): void {
    if (slot >= this.#pos.length) this.#growSlots(slot + 1);
    if (this.#size === this.#heap.length) this.#growHeap();
    const i = this.#size++;
    this.#heap[i] = slot;
    this.#due[i] = dueMs;
    this.#pos[slot] = i;
    this.#up(i);
  }

  /** Moves a queued slot to its new due time. */
  update(slot: number, dueMs: number): void {
    const i = this.#pos[slot] as number;
    const before = this.#due[i] as number;
    if (dueMs === before) return;
    this.#due[i] = dueMs;
    if (dueMs < before) this.#up(i);
    else this.#down(i);
  }

  remove(slot: number): void {
    if (!this.has(slot)) return;
    const i = this.#pos[slot] as number;
    this.#pos[slot] = -1;
    const lastAt = --this.#size;
    if (i === lastAt) return;
    const last = this.#heap[lastAt] as number;
    this.#heap[i] = last;
    this.#due[i] = this.#due[lastAt] as number;
    this.#pos[last] = i;
    this.#up(i);
    this.#down(this.#pos[last] as number);
  }

  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#pos[this.#heap[i] as number] = -1;
    this.#size = 0;
  }

  /** Whether (da, slot a) goes before (db, slot b). */
  #less(da: number, a: number, db: number, b: number): boolean {
    return da < db || (da === db && this.#ids(a) < this.#ids(b));
  }

  // Both sifts carry the moving slot aside and shift the others over its place (a hole), writing it once at the end.
  #up(i: number): void {
    const heap = this.#heap;
    const due = this.#due;
    const pos = this.#pos;
    const slot = heap[i] as number;
    const d = due[i] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p] as number;
      const dp = due[p] as number;
      if (!this.#less(d, slot, dp, parent)) break;
      heap[i] = parent;
      due[i] = dp;
      pos[parent] = i;
      i = p;
    }
    heap[i] = slot;
    due[i] = d;
    pos[slot] = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const due = this.#due;
    const pos = this.#pos;
    const n = this.#size;
    const slot = heap[i] as number;
    const d = due[i] as number;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let child = heap[l] as number;
      let dc = due[l] as number;
      const r = l + 1;
      if (r < n) {
        const right = heap[r] as number;
        const dr = due[r] as number;
        if (this.#less(dr, right, dc, child)) {
          c = r;
          child = right;
          dc = dr;
        }
      }
      if (!this.#less(dc, child, d, slot)) break;
      heap[i] = child;
      due[i] = dc;
      pos[child] = i;
      i = c;
    }
    heap[i] = slot;
    due[i] = d;
    pos[slot] = i;
  }

  #growHeap(): void {
    const heap = new Int32Array(this.#heap.length * 2);
    heap.set(this.#heap);
    this.#heap = heap;
    const due = new Float64Array(this.#due.length * 2);
    due.set(this.#due);
    this.#due = due;
  }

  #growSlots(min: number): void {
    let n = this.#pos.length * 2;
    while (n < min) n *= 2;
    const pos = new Int32Array(n).fill(-1);
    pos.set(this.#pos);
    this.#pos = pos;
  }
}
