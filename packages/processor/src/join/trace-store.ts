import type { WorkflowOutcome } from '@telltale/conventions';
import { type Pico, PicoSum } from '../cost/pico-sum.ts';
import { earlier, type Mark } from '../engine/mark.ts';
import { DueQueue } from './due-queue.ts';
import { flatId } from './flat-id.ts';
import type { TraceBudget } from './trace-budget.ts';
import { TraceIndex } from './trace-index.ts';
import { type Attributable, joinWorkflows, type SpendEntry, type WorkflowRef } from './trace-join.ts';

/** An open trace: its row in the store's columns. */
export type TraceSlot = number;

/** Where a finished trace's workflows go, one call per workflow (the engine adds each to its window). */
export interface FinishedWorkflowSink {
  workflow(
    service: string,
    workflow: string,
    tenant: string,
    endMs: number,
    outcome: WorkflowOutcome,
    withFallback: boolean,
    pico: PicoSum | undefined,
    pricedCalls: number,
    unpricedCalls: number,
  ): void;
}

// Kinds of a trace's list entries: what the join needs once a trace turns out to hold several workflows.
const PRICED = 1;
const UNPRICED = 2;
const LINK = 3;
const FALLBACK = 4;

const INITIAL = 1024;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NINF = Number.NEGATIVE_INFINITY;
const PINF = Number.POSITIVE_INFINITY;

/**
 * The open traces of one shard, and when each is due: finished (join wait
 * after its workflow spans) or expired (orphan timeout without one). Holds
 * the shard's share of the process's trace budget.
 *
 * Stored as columns indexed by slot, not an object per trace: an open trace
 * lives for the join wait, long enough to survive young-generation
 * collections, and the several small objects a trace used to hold (state,
 * workflow ref, spend, link and fallback lists, a sum) were most of what the
 * collector copied and promoted. Now a trace holds nothing of its own but its
 * id; its workflow, totals and due time are numbers and shared (interned)
 * strings in flat arrays, and its spend, links and fallbacks (read only when
 * a trace has several workflows) are entries of one pool, chained per slot.
 */
export class TraceStore {
  readonly #index: TraceIndex;
  readonly #due: DueQueue;
  readonly #budget: TraceBudget;
  readonly #joinWaitMs: number;
  readonly #orphanTimeoutMs: number;
  readonly #maxLinks: number;
  readonly #closeOf: (endMs: number) => number;
  /** The trace last looked up or opened: the spans of one record nearly always share it. */
  #lastId = '';
  #lastSlot: TraceSlot = -1;

  // Per slot.
  #capacity = 0;
  readonly #freeSlots: TraceSlot[] = [];
  readonly #ids: string[] = [];
  // The mark of the trace's first record, as numbers: a Mark object (and its bigint) per trace would be
  // promoted with the trace. Positions past 2^53 keep their Mark in #bigFirst.
  #firstPosition = new Float64Array(0);
  #firstStreamTimeMs = new Float64Array(0);
  #firstForcedClosedEndMs = new Float64Array(0);
  readonly #bigFirst = new Map<TraceSlot, Mark>();
  #maxEndMs = new Float64Array(0);
  #workflows = new Int32Array(0);
  // The first workflow span; any further ones are objects in #moreWorkflows (rare: nested workflows).
  #wfEndMs = new Float64Array(0);
  readonly #wfService: string[] = [];
  readonly #wfWorkflow: string[] = [];
  readonly #wfTenant: string[] = [];
  readonly #wfOutcome: WorkflowOutcome[] = [];
  readonly #wfSpanId: string[] = [];
  readonly #wfParentSpanId: string[] = [];
  readonly #moreWorkflows: (WorkflowRef[] | undefined)[] = [];
  /** Latest workflow end and earliest close of a window holding one: what the due time needs. */
  #wfLastEndMs = new Float64Array(0);
  #wfFirstCloseMs = new Float64Array(0);
  // Totals: a single-workflow trace (nearly all) finishes from these alone.
  #spendSmall = new Float64Array(0);
  readonly #spendBig = new Map<TraceSlot, bigint>();
  #pricedCalls = new Int32Array(0);
  #unpricedCalls = new Int32Array(0);
  #fallback = new Uint8Array(0);
  #links = new Int32Array(0);
  #head = new Int32Array(0);
  #tail = new Int32Array(0);

  // The entry pool, chained per slot through #eNext; -1 ends a chain.
  #eCapacity = 0;
  #eFree = -1;
  #eKind = new Uint8Array(0);
  readonly #eSpanId: string[] = [];
  readonly #eParentSpanId: string[] = [];
  #eSmall = new Float64Array(0);
  readonly #eBig = new Map<number, bigint>();
  #eNext = new Int32Array(0);

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
    const id = (slot: TraceSlot) => this.#ids[slot] as string;
    this.#index = new TraceIndex(id);
    this.#due = new DueQueue(id);
  }

  get size(): number {
    return this.#index.size;
  }

  /** The open trace with this id; -1 when none. */
  get(traceId: string): TraceSlot {
    if (traceId === this.#lastId && this.#lastSlot >= 0) return this.#lastSlot;
    const slot = this.#index.get(traceId);
    if (slot < 0) return -1;
    this.#lastId = traceId;
    this.#lastSlot = slot;
    return slot;
  }

  /** A new trace first seen at `mark` with a span ending at `endMs`; -1 when the budget is spent. */
  open(traceId: string, mark: Mark, endMs: number): TraceSlot {
    if (this.#budget.full) return -1;
    const id = flatId(traceId);
    const slot = this.#freeSlots.length > 0 ? (this.#freeSlots.pop() as number) : this.#newSlot();
    this.#ids[slot] = id;
    if (mark.position <= MAX_SAFE) this.#firstPosition[slot] = Number(mark.position);
    else this.#bigFirst.set(slot, mark);
    this.#firstStreamTimeMs[slot] = mark.streamTimeMs;
    this.#firstForcedClosedEndMs[slot] = mark.forcedClosedEndMs;
    this.#maxEndMs[slot] = endMs;
    this.#workflows[slot] = 0;
    this.#wfLastEndMs[slot] = NINF;
    this.#wfFirstCloseMs[slot] = PINF;
    this.#spendSmall[slot] = 0;
    this.#pricedCalls[slot] = 0;
    this.#unpricedCalls[slot] = 0;
    this.#fallback[slot] = 0;
    this.#links[slot] = 0;
    this.#head[slot] = -1;
    this.#tail[slot] = -1;
    this.#index.add(slot);
    this.#lastId = id;
    this.#lastSlot = slot;
    this.#budget.open++;
    this.#due.add(slot, this.#dueOf(slot));
    return slot;
  }

  /** A span of the trace ending at `endMs`: a later end moves an orphan's expiry. */
  seen(slot: TraceSlot, endMs: number): void {
    if (endMs <= (this.#maxEndMs[slot] as number)) return;
    this.#maxEndMs[slot] = endMs;
    this.#due.update(slot, this.#dueOf(slot));
  }

  /** A workflow span: it moves the due time (the join wait after it, or its window's close). */
  addWorkflow(
    slot: TraceSlot,
    spanId: string,
    parentSpanId: string,
    endMs: number,
    service: string,
    workflow: string,
    tenant: string,
    outcome: WorkflowOutcome,
  ): void {
    const n = this.#workflows[slot] as number;
    if (n === 0) {
      this.#wfSpanId[slot] = flatId(spanId);
      this.#wfParentSpanId[slot] = flatId(parentSpanId);
      this.#wfEndMs[slot] = endMs;
      this.#wfService[slot] = service;
      this.#wfWorkflow[slot] = workflow;
      this.#wfTenant[slot] = tenant;
      this.#wfOutcome[slot] = outcome;
    } else {
      const ref = {
        spanId: flatId(spanId),
        parentSpanId: flatId(parentSpanId),
        endMs,
        service,
        workflow,
        tenant,
        outcome,
      };
      const more = this.#moreWorkflows[slot];
      if (more) more.push(ref);
      else this.#moreWorkflows[slot] = [ref];
    }
    this.#workflows[slot] = n + 1;
    if (endMs > (this.#wfLastEndMs[slot] as number)) this.#wfLastEndMs[slot] = endMs;
    const close = this.#closeOf(endMs);
    if (close < (this.#wfFirstCloseMs[slot] as number)) this.#wfFirstCloseMs[slot] = close;
    this.#due.update(slot, this.#dueOf(slot));
  }

  /** A model call's cost, undefined when unpriced; model calls are never workflow spans, so only the parent is kept. */
  addSpend(slot: TraceSlot, parentSpanId: string, pico: Pico | undefined): void {
    const e = this.#append(slot, pico === undefined ? UNPRICED : PRICED, '', parentSpanId);
    if (pico === undefined) {
      this.#unpricedCalls[slot] = (this.#unpricedCalls[slot] as number) + 1;
      return;
    }
    this.#pricedCalls[slot] = (this.#pricedCalls[slot] as number) + 1;
    if (typeof pico === 'bigint') {
      this.#eBig.set(e, pico);
      this.#spendBig.set(slot, (this.#spendBig.get(slot) ?? 0n) + pico);
      return;
    }
    this.#eSmall[e] = pico;
    // Exact while the sum stays a safe integer (see PicoSum); past it the bigint part takes over.
    const s = (this.#spendSmall[slot] as number) + pico;
    if (s <= Number.MAX_SAFE_INTEGER) this.#spendSmall[slot] = s;
    else {
      this.#spendBig.set(
        slot,
        (this.#spendBig.get(slot) ?? 0n) + BigInt(this.#spendSmall[slot] as number) + BigInt(pico),
      );
      this.#spendSmall[slot] = 0;
    }
  }

  addFallback(slot: TraceSlot, spanId: string, parentSpanId: string): void {
    this.#fallback[slot] = 1;
    this.#append(slot, FALLBACK, spanId, parentSpanId);
  }

  /** Records a parent link; false when the trace holds the most it may (the caller counts it). */
  addLink(slot: TraceSlot, spanId: string, parentSpanId: string): boolean {
    if (!parentSpanId) return true;
    const n = this.#links[slot] as number;
    // The first link is always kept, as a trace's first span always opens it.
    if (n > 0 && n >= this.#maxLinks) return false;
    this.#links[slot] = n + 1;
    this.#append(slot, LINK, spanId, parentSpanId);
    return true;
  }

  /** The trace's first input record. */
  first(slot: TraceSlot): Mark {
    return (
      this.#bigFirst.get(slot) ?? {
        position: BigInt(this.#firstPosition[slot] as number),
        streamTimeMs: this.#firstStreamTimeMs[slot] as number,
        forcedClosedEndMs: this.#firstForcedClosedEndMs[slot] as number,
      }
    );
  }

  workflowCount(slot: TraceSlot): number {
    return this.#workflows[slot] as number;
  }

  /** Whether a workflow span of the trace ends in [fromMs, toMs). */
  hasWorkflowEndingIn(slot: TraceSlot, fromMs: number, toMs: number): boolean {
    const n = this.#workflows[slot] as number;
    if (n === 0) return false;
    const end = this.#wfEndMs[slot] as number;
    if (end >= fromMs && end < toMs) return true;
    return this.#moreWorkflows[slot]?.some((w) => w.endMs >= fromMs && w.endMs < toMs) ?? false;
  }

  /**
   * Hands each workflow of the trace, with its share of the trace's spend
   * and fallbacks, to `sink`: the totals for a single workflow, the join
   * (nearest workflow ancestor) for several.
   */
  joined(slot: TraceSlot, sink: FinishedWorkflowSink): void {
    const n = this.#workflows[slot] as number;
    if (n === 0) return;
    if (n === 1) {
      const small = this.#spendSmall[slot] as number;
      const big = this.#spendBig.get(slot);
      let pico: PicoSum | undefined;
      if ((this.#pricedCalls[slot] as number) > 0) {
        pico = new PicoSum();
        pico.add(small);
        if (big !== undefined) pico.add(big);
      }
      sink.workflow(
        this.#wfService[slot] as string,
        this.#wfWorkflow[slot] as string,
        this.#wfTenant[slot] as string,
        this.#wfEndMs[slot] as number,
        this.#wfOutcome[slot] as WorkflowOutcome,
        this.#fallback[slot] === 1,
        pico,
        this.#pricedCalls[slot] as number,
        this.#unpricedCalls[slot] as number,
      );
      return;
    }
    const workflows: WorkflowRef[] = [
      {
        spanId: this.#wfSpanId[slot] as string,
        parentSpanId: this.#wfParentSpanId[slot] as string,
        endMs: this.#wfEndMs[slot] as number,
        service: this.#wfService[slot] as string,
        workflow: this.#wfWorkflow[slot] as string,
        tenant: this.#wfTenant[slot] as string,
        outcome: this.#wfOutcome[slot] as WorkflowOutcome,
      },
      ...(this.#moreWorkflows[slot] ?? []),
    ];
    const spend: SpendEntry[] = [];
    const fallbacks: Attributable[] = [];
    const links: string[] = [];
    for (let e = this.#head[slot] as number; e >= 0; e = this.#eNext[e] as number) {
      const kind = this.#eKind[e];
      const parentSpanId = this.#eParentSpanId[e] as string;
      if (kind === PRICED) spend.push({ parentSpanId, pico: this.#eBig.get(e) ?? (this.#eSmall[e] as number) });
      else if (kind === UNPRICED) spend.push({ parentSpanId, pico: undefined });
      else if (kind === FALLBACK) fallbacks.push({ spanId: this.#eSpanId[e] as string, parentSpanId });
      else links.push(this.#eSpanId[e] as string, parentSpanId);
    }
    for (const j of joinWorkflows({ workflows, spend, fallbacks, links }))
      sink.workflow(
        j.ref.service,
        j.ref.workflow,
        j.ref.tenant,
        j.ref.endMs,
        j.ref.outcome,
        j.withFallback,
        j.spend.pico,
        j.spend.pricedCalls,
        j.spend.unpricedCalls,
      );
  }

  /**
   * Takes each trace due at or before `streamTimeMs`, in due order (ties in
   * due time go by trace id, whatever the arrival order), handing it to
   * `finish` with its due time. The trace is out of the store when `finish`
   * runs, but its slot stays readable until `finish` returns; `finish` may
   * take other traces.
   */
  takeDue(streamTimeMs: number, finish: (slot: TraceSlot, dueMs: number) => void): void {
    while (this.#due.size > 0 && this.#due.peekDueMs() <= streamTimeMs) {
      const due = this.#due.peekDueMs();
      this.take(this.#due.peek(), finish, due);
    }
  }

  /** Removes a trace and hands it to `finish` (with `dueMs`), then frees its slot. */
  take<D>(slot: TraceSlot, finish: (slot: TraceSlot, arg: D) => void, arg: D): void {
    this.#detach(slot);
    try {
      finish(slot, arg);
    } finally {
      this.#free(slot);
    }
  }

  /** Open traces matching `pick`, in trace id order. */
  select(pick: (slot: TraceSlot) => boolean): TraceSlot[] {
    const out: TraceSlot[] = [];
    for (const slot of this.#index.slots()) if (pick(slot)) out.push(slot);
    const ids = this.#ids;
    return out.sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : 1));
  }

  earliestMark(): Mark | undefined {
    let first = -1;
    let firstBig: Mark | undefined;
    for (const slot of this.#index.slots()) {
      const big = this.#bigFirst.get(slot);
      if (big) firstBig = firstBig ? earlier(firstBig, big) : big;
      else if (first < 0 || (this.#firstPosition[slot] as number) < (this.#firstPosition[first] as number))
        first = slot;
    }
    // Any position that fits a double is before every one that does not.
    return first >= 0 ? this.first(first) : firstBig;
  }

  /** Drops every trace and returns them to the budget. */
  clear(): void {
    for (const slot of [...this.#index.slots()]) {
      this.#detach(slot);
      this.#free(slot);
    }
  }

  #dueOf(slot: TraceSlot): number {
    if ((this.#workflows[slot] as number) === 0) return (this.#maxEndMs[slot] as number) + this.#orphanTimeoutMs;
    return Math.min((this.#wfLastEndMs[slot] as number) + this.#joinWaitMs, this.#wfFirstCloseMs[slot] as number);
  }

  /** Out of the index, the due queue and the budget; the columns stay readable until #free. */
  #detach(slot: TraceSlot): void {
    if (this.#index.delete(slot)) this.#budget.open--;
    if (this.#lastSlot === slot) {
      this.#lastSlot = -1;
      this.#lastId = '';
    }
    this.#due.remove(slot);
  }

  /** Returns the slot and its entries to their free lists, dropping the strings they held. */
  #free(slot: TraceSlot): void {
    let e = this.#head[slot] as number;
    while (e >= 0) {
      const next = this.#eNext[e] as number;
      this.#eSpanId[e] = '';
      this.#eParentSpanId[e] = '';
      if (this.#eBig.size > 0) this.#eBig.delete(e);
      this.#eNext[e] = this.#eFree;
      this.#eFree = e;
      e = next;
    }
    this.#head[slot] = -1;
    this.#tail[slot] = -1;
    this.#ids[slot] = '';
    if (this.#bigFirst.size > 0) this.#bigFirst.delete(slot);
    if ((this.#workflows[slot] as number) > 0) {
      this.#wfSpanId[slot] = '';
      this.#wfParentSpanId[slot] = '';
      this.#moreWorkflows[slot] = undefined;
    }
    if (this.#spendBig.size > 0) this.#spendBig.delete(slot);
    this.#freeSlots.push(slot);
  }

  #append(slot: TraceSlot, kind: number, spanId: string, parentSpanId: string): number {
    if (this.#eFree < 0) this.#growEntries();
    const e = this.#eFree;
    this.#eFree = this.#eNext[e] as number;
    this.#eKind[e] = kind;
    this.#eSpanId[e] = spanId === '' ? '' : flatId(spanId);
    this.#eParentSpanId[e] = parentSpanId === '' ? '' : flatId(parentSpanId);
    this.#eNext[e] = -1;
    const tail = this.#tail[slot] as number;
    if (tail < 0) this.#head[slot] = e;
    else this.#eNext[tail] = e;
    this.#tail[slot] = e;
    return e;
  }

  #newSlot(): TraceSlot {
    const slot = this.#ids.length;
    if (slot === this.#capacity) this.#growSlots();
    this.#ids.push('');
    this.#wfService.push('');
    this.#wfWorkflow.push('');
    this.#wfTenant.push('');
    this.#wfOutcome.push('abandoned');
    this.#wfSpanId.push('');
    this.#wfParentSpanId.push('');
    this.#moreWorkflows.push(undefined);
    return slot;
  }

  #growSlots(): void {
    const n = Math.max(INITIAL, this.#capacity * 2);
    this.#firstPosition = grownF64(this.#firstPosition, n);
    this.#firstStreamTimeMs = grownF64(this.#firstStreamTimeMs, n);
    this.#firstForcedClosedEndMs = grownF64(this.#firstForcedClosedEndMs, n);
    this.#maxEndMs = grownF64(this.#maxEndMs, n);
    this.#workflows = grownI32(this.#workflows, n);
    this.#wfEndMs = grownF64(this.#wfEndMs, n);
    this.#wfLastEndMs = grownF64(this.#wfLastEndMs, n);
    this.#wfFirstCloseMs = grownF64(this.#wfFirstCloseMs, n);
    this.#spendSmall = grownF64(this.#spendSmall, n);
    this.#pricedCalls = grownI32(this.#pricedCalls, n);
    this.#unpricedCalls = grownI32(this.#unpricedCalls, n);
    const fallback = new Uint8Array(n);
    fallback.set(this.#fallback);
    this.#fallback = fallback;
    this.#links = grownI32(this.#links, n);
    this.#head = grownI32(this.#head, n);
    this.#tail = grownI32(this.#tail, n);
    this.#capacity = n;
  }

  #growEntries(): void {
    const old = this.#eCapacity;
    const n = Math.max(4 * INITIAL, old * 2);
    const kind = new Uint8Array(n);
    kind.set(this.#eKind);
    this.#eKind = kind;
    this.#eSmall = grownF64(this.#eSmall, n);
    this.#eNext = grownI32(this.#eNext, n);
    for (let e = old; e < n; e++) {
      this.#eSpanId.push('');
      this.#eParentSpanId.push('');
      this.#eNext[e] = e + 1 < n ? e + 1 : this.#eFree;
    }
    this.#eFree = old;
    this.#eCapacity = n;
  }
}

function grownF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function grownI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
