import { earlier, type Mark } from '../engine/mark.ts';
import { DueQueue } from './due-queue.ts';
import { flatId } from './flat-id.ts';
import type { TraceBudget } from './trace-budget.ts';
import { TraceState, type WorkflowRef } from './trace-state.ts';

/**
 * The open traces of one shard and when each is due: finished (join wait
 * after its workflow spans) or expired (orphan timeout without one). Holds
 * the shard's share of the process's trace budget.
 */
export class TraceStore {
  readonly #traces = new Map<string, TraceState>();
  readonly #due = new DueQueue<TraceState>();
  readonly #budget: TraceBudget;
  readonly #joinWaitMs: number;
  readonly #orphanTimeoutMs: number;
  readonly #maxLinks: number;
  readonly #closeOf: (endMs: number) => number;
  /** The trace last looked up or opened: the spans of one record nearly always share it. */
  #last: TraceState | undefined;

  constructor(options: {
    budget: TraceBudget;
    joinWaitMs: number;
    orphanTimeoutMs: number;
    maxSpansPerTrace: number;
    /** The stream time at which the window holding `endMs` closes: a trace is never due after it. */
    closeOf: (endMs: number) => number;
  }) {
    this.#budget = options.budget;
    this.#joinWaitMs = options.joinWaitMs;
    this.#orphanTimeoutMs = options.orphanTimeoutMs;
    this.#maxLinks = options.maxSpansPerTrace;
    this.#closeOf = options.closeOf;
  }

  get size(): number {
    return this.#traces.size;
  }

  get(traceId: string): TraceState | undefined {
    const last = this.#last;
    if (last !== undefined && last.traceId === traceId) return last;
    const trace = this.#traces.get(traceId);
    if (trace) this.#last = trace;
    return trace;
  }

  /** State for a new trace first seen at `mark` with a span ending at `endMs`; undefined when the budget is spent. */
  open(traceId: string, mark: Mark, endMs: number): TraceState | undefined {
    if (this.#budget.full) return undefined;
    const trace = new TraceState(flatId(traceId), mark);
    this.#traces.set(trace.traceId, trace);
    this.#last = trace;
    this.#budget.open++;
    trace.seen(endMs);
    this.#due.add(trace, this.#dueOf(trace));
    return trace;
  }

  /** A span of the trace ending at `endMs`: a later end moves an orphan's expiry. */
  seen(trace: TraceState, endMs: number): void {
    if (endMs <= trace.maxEndMs) return;
    trace.seen(endMs);
    this.#due.update(trace, this.#dueOf(trace));
  }

  /** A workflow span moves the due time (the join wait after it, or its window's close). */
  addWorkflow(trace: TraceState, ref: WorkflowRef): void {
    trace.addWorkflow(ref);
    this.#due.update(trace, this.#dueOf(trace));
  }

  /** Records a parent link; false when the trace holds the most it may (the caller counts it). */
  addLink(trace: TraceState, spanId: string, parentSpanId: string): boolean {
    return trace.addLink(spanId, parentSpanId, this.#maxLinks);
  }

  /**
   * Removes each trace due at or before `streamTimeMs` and hands it to
   * `finish` with its due time, in due order; ties in due time go by trace
   * id, whatever the arrival order. `finish` may remove other traces.
   */
  takeDue(streamTimeMs: number, finish: (trace: TraceState, dueMs: number) => void): void {
    for (let t = this.#due.peek(); t && this.#due.peekDueMs() <= streamTimeMs; t = this.#due.peek()) {
      const due = this.#due.peekDueMs();
      this.remove(t);
      finish(t, due);
    }
  }

  remove(trace: TraceState): void {
    if (this.#last === trace) this.#last = undefined;
    if (this.#traces.delete(trace.traceId)) this.#budget.open--;
    this.#due.remove(trace);
  }

  /** Open traces matching `pick`, in trace id order. */
  select(pick: (t: TraceState) => boolean): TraceState[] {
    return [...this.#traces.values()].filter(pick).sort((a, b) => (a.traceId < b.traceId ? -1 : 1));
  }

  earliestMark(): Mark | undefined {
    let first: Mark | undefined;
    for (const t of this.#traces.values()) first = first ? earlier(first, t.first) : t.first;
    return first;
  }

  /** Drops every trace and returns them to the budget. */
  clear(): void {
    this.#budget.open -= this.#traces.size;
    this.#last = undefined;
    this.#traces.clear();
    this.#due.clear();
  }

  #dueOf(trace: TraceState): number {
    return trace.dueMs(this.#joinWaitMs, this.#orphanTimeoutMs, this.#closeOf);
  }
}
