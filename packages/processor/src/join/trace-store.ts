import type { WorkflowOutcome } from '@telltale/conventions';
import { addPicoAt, type Pico, picoValue } from '../cost/pico-sum.ts';
import { earlier, type Mark } from '../engine/mark.ts';
import { DueQueue } from './due-queue.ts';
import { flatId } from './flat-id.ts';
import type { TraceBudget } from './trace-budget.ts';
import { TraceIndex } from './trace-index.ts';
import { type Attributable, joinWorkflows, type SpendEntry, type WorkflowRef } from './trace-join.ts';

/** An open trace: the index of its rows in the store. */
export type TraceSlot = number;

/** Where a finished trace's workflows go, one call per workflow (the engine adds each to its window). */
export type FinishedWorkflow = (
  service: string,
  workflow: string,
  tenant: string,
  endMs: number,
  outcome: WorkflowOutcome,
  withFallback: boolean,
  /** The picodollars of its priced calls; 0 when none. */
  pico: Pico,
  pricedCalls: number,
  unpricedCalls: number,
) => void;

// Kinds of a trace's list entries: what the join needs once a trace turns out to hold several workflows.
const PRICED = 1;
const UNPRICED = 2;
const LINK = 3;
const FALLBACK = 4;

const INITIAL = 1024;

// A trace's numbers: one row of #num per slot, so finishing a trace touches one or two cache lines, not
// one per field (open traces are touched again only after the join wait, long after leaving the caches).
const MAX_END = 0;
const WORKFLOWS = 1;
const WF_END = 2;
const WF_LAST_END = 3;
const WF_FIRST_CLOSE = 4;
const SPEND = 5;
const PRICED_CALLS = 6;
const UNPRICED_CALLS = 7;
const HAS_FALLBACK = 8;
const LINKS = 9;
const HEAD = 10;
const TAIL = 11;
const FIRST_POSITION = 12;
const FIRST_STREAM_TIME = 13;
const FIRST_FORCED_CLOSED_END = 14;
const HINT_INDEX = 15;
const NUM = 16;
// Its strings (all shared: ids from the decoder, names interned): one row of #str per slot.
const ID = 0;
const WF_SERVICE = 1;
const WF_WORKFLOW = 2;
const WF_TENANT = 3;
const WF_OUTCOME = 4;
const WF_SPAN_ID = 5;
const WF_PARENT_SPAN_ID = 6;
const STR = 8;
// An entry: kind, picodollars and next in #eNum; span and parent ids in #eStr.
const E_KIND = 0;
const E_PICO = 1;
const E_NEXT = 2;
const E_NUM = 4;
const E_STR = 2;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NINF = Number.NEGATIVE_INFINITY;
const PINF = Number.POSITIVE_INFINITY;

/**
 * The open traces of one shard, and when each is due: finished (join wait
 * after its workflow spans) or expired (orphan timeout without one). Holds
 * the shard's share of the process's trace budget.
 *
 * Stored as rows of flat arrays indexed by slot, not an object per trace:
 * an open trace lives for the join wait, long enough to survive
 * young-generation collections, and the several small objects a trace used
 * to hold (state, workflow ref, spend, link and fallback lists, a sum) were
 * copied and promoted with it (garbage collection fell from ≈ 13 % to ≈ 8 %
 * of the throughput profile without them). Now a trace holds nothing
 * of its own but its id; its workflow, totals and due time are a row of
 * numbers and a row of shared strings, and its spend, links and fallbacks
 * (read only when a trace has several workflows) are entries of one pool,
 * chained per slot. Each trace may also carry a hint of the owner's (an
 * object of type H and a number), dropped with the trace.
 */
export class TraceStore<H = never> {
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

  #slots = 0;
  #capacity = 0;
  readonly #freeSlots: TraceSlot[] = [];
  #num = new Float64Array(0);
  readonly #str: string[] = [];
  readonly #hints: (H | undefined)[] = [];
  /** Workflow spans after the first (rare: nested workflows). */
  readonly #moreWorkflows = new Map<TraceSlot, WorkflowRef[]>();
  /** First marks whose position is past 2^53, and spend sums past it: rare enough for a Map. */
  readonly #bigFirst = new Map<TraceSlot, Mark>();
  readonly #bigSpend = new Map<TraceSlot, bigint>();

  // The entry pool, chained per slot through E_NEXT; -1 ends a chain.
  #eCapacity = 0;
  #eFree = -1;
  #eNum = new Float64Array(0);
  readonly #eStr: string[] = [];
  readonly #eBig = new Map<number, bigint>();

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
    const id = (slot: TraceSlot) => this.#str[slot * STR + ID] as string;
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
    this.#str[slot * STR + ID] = id;
    const num = this.#num;
    const r = slot * NUM;
    if (mark.position <= MAX_SAFE) num[r + FIRST_POSITION] = Number(mark.position);
    else this.#bigFirst.set(slot, mark);
    num[r + FIRST_STREAM_TIME] = mark.streamTimeMs;
    num[r + FIRST_FORCED_CLOSED_END] = mark.forcedClosedEndMs;
    num[r + MAX_END] = endMs;
    num[r + WORKFLOWS] = 0;
    num[r + WF_LAST_END] = NINF;
    num[r + WF_FIRST_CLOSE] = PINF;
    num[r + SPEND] = 0;
    num[r + PRICED_CALLS] = 0;
    num[r + UNPRICED_CALLS] = 0;
    num[r + HAS_FALLBACK] = 0;
    num[r + LINKS] = 0;
    num[r + HEAD] = -1;
    num[r + TAIL] = -1;
    this.#index.add(slot);
    this.#lastId = id;
    this.#lastSlot = slot;
    this.#budget.open++;
    this.#due.add(slot, this.#dueOf(slot));
    return slot;
  }

  /** A span of the trace ending at `endMs`: a later end moves an orphan's expiry. */
  seen(slot: TraceSlot, endMs: number): void {
    const i = slot * NUM + MAX_END;
    if (endMs <= (this.#num[i] as number)) return;
    this.#num[i] = endMs;
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
    const num = this.#num;
    const r = slot * NUM;
    const n = num[r + WORKFLOWS] as number;
    if (n === 0) {
      const str = this.#str;
      const q = slot * STR;
      str[q + WF_SPAN_ID] = flatId(spanId);
      str[q + WF_PARENT_SPAN_ID] = flatId(parentSpanId);
      str[q + WF_SERVICE] = service;
      str[q + WF_WORKFLOW] = workflow;
      str[q + WF_TENANT] = tenant;
      str[q + WF_OUTCOME] = outcome;
      num[r + WF_END] = endMs;
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
      const more = this.#moreWorkflows.get(slot);
      if (more) more.push(ref);
      else this.#moreWorkflows.set(slot, [ref]);
    }
    num[r + WORKFLOWS] = n + 1;
    if (endMs > (num[r + WF_LAST_END] as number)) num[r + WF_LAST_END] = endMs;
    const close = this.#closeOf(endMs);
    if (close < (num[r + WF_FIRST_CLOSE] as number)) num[r + WF_FIRST_CLOSE] = close;
    this.#due.update(slot, this.#dueOf(slot));
  }

  /**
   * A model call's cost, undefined when unpriced. Its own id is kept too: it
   * links the spans under it (a tool call a model asked for) to the
   * workflow above it.
   */
  addSpend(slot: TraceSlot, spanId: string, parentSpanId: string, pico: Pico | undefined): void {
    const e = this.#append(slot, pico === undefined ? UNPRICED : PRICED, spanId, parentSpanId);
    const num = this.#num;
    const r = slot * NUM;
    if (pico === undefined) {
      num[r + UNPRICED_CALLS] = (num[r + UNPRICED_CALLS] as number) + 1;
      return;
    }
    num[r + PRICED_CALLS] = (num[r + PRICED_CALLS] as number) + 1;
    if (typeof pico === 'bigint') this.#eBig.set(e, pico);
    else this.#eNum[e * E_NUM + E_PICO] = pico;
    addPicoAt(num, r + SPEND, pico, this.#bigSpend, slot);
  }

  addFallback(slot: TraceSlot, spanId: string, parentSpanId: string): void {
    this.#num[slot * NUM + HAS_FALLBACK] = 1;
    this.#append(slot, FALLBACK, spanId, parentSpanId);
  }

  /** Records a parent link; false when the trace holds the most it may (the caller counts it). */
  addLink(slot: TraceSlot, spanId: string, parentSpanId: string): boolean {
    if (!parentSpanId) return true;
    const i = slot * NUM + LINKS;
    const n = this.#num[i] as number;
    // The first link is always kept, as a trace's first span always opens it.
    if (n > 0 && n >= this.#maxLinks) return false;
    this.#num[i] = n + 1;
    this.#append(slot, LINK, spanId, parentSpanId);
    return true;
  }

  /** The owner's hint for the trace, undefined until set. */
  hint(slot: TraceSlot): H | undefined {
    return this.#hints[slot];
  }

  /** The number set with the hint; meaningless while `hint` is undefined. */
  hintIndex(slot: TraceSlot): number {
    return this.#num[slot * NUM + HINT_INDEX] as number;
  }

  /** A hint is an object of the owner's and a number within it (stored as a number: no allocation per trace). */
  setHint(slot: TraceSlot, hint: H, index: number): void {
    this.#hints[slot] = hint;
    this.#num[slot * NUM + HINT_INDEX] = index;
  }

  /** The trace's first input record. */
  first(slot: TraceSlot): Mark {
    const r = slot * NUM;
    return (
      this.#bigFirst.get(slot) ?? {
        position: BigInt(this.#num[r + FIRST_POSITION] as number),
        streamTimeMs: this.#num[r + FIRST_STREAM_TIME] as number,
        forcedClosedEndMs: this.#num[r + FIRST_FORCED_CLOSED_END] as number,
      }
    );
  }

  workflowCount(slot: TraceSlot): number {
    return this.#num[slot * NUM + WORKFLOWS] as number;
  }

  /** Whether a workflow span of the trace ends in [fromMs, toMs). */
  hasWorkflowEndingIn(slot: TraceSlot, fromMs: number, toMs: number): boolean {
    const r = slot * NUM;
    if (this.#num[r + WORKFLOWS] === 0) return false;
    const end = this.#num[r + WF_END] as number;
    if (end >= fromMs && end < toMs) return true;
    return this.#moreWorkflows.get(slot)?.some((w) => w.endMs >= fromMs && w.endMs < toMs) ?? false;
  }

  /**
   * Hands each workflow of the trace, with its share of the trace's spend
   * and fallbacks, to `sink`: the totals for a single workflow, the join
   * (nearest workflow ancestor) for several.
   */
  joined(slot: TraceSlot, sink: FinishedWorkflow): void {
    const num = this.#num;
    const str = this.#str;
    const r = slot * NUM;
    const q = slot * STR;
    const n = num[r + WORKFLOWS] as number;
    if (n === 0) return;
    if (n === 1) {
      const big = this.#bigSpend.size > 0 ? this.#bigSpend.get(slot) : undefined;
      sink(
        str[q + WF_SERVICE] as string,
        str[q + WF_WORKFLOW] as string,
        str[q + WF_TENANT] as string,
        num[r + WF_END] as number,
        str[q + WF_OUTCOME] as WorkflowOutcome,
        num[r + HAS_FALLBACK] === 1,
        picoValue(num[r + SPEND] as number, big),
        num[r + PRICED_CALLS] as number,
        num[r + UNPRICED_CALLS] as number,
      );
      return;
    }
    const workflows: WorkflowRef[] = [
      {
        spanId: str[q + WF_SPAN_ID] as string,
        parentSpanId: str[q + WF_PARENT_SPAN_ID] as string,
        endMs: num[r + WF_END] as number,
        service: str[q + WF_SERVICE] as string,
        workflow: str[q + WF_WORKFLOW] as string,
        tenant: str[q + WF_TENANT] as string,
        outcome: str[q + WF_OUTCOME] as WorkflowOutcome,
      },
      ...(this.#moreWorkflows.get(slot) ?? []),
    ];
    const spend: SpendEntry[] = [];
    const fallbacks: Attributable[] = [];
    const links: string[] = [];
    const eNum = this.#eNum;
    const eStr = this.#eStr;
    for (let e = num[r + HEAD] as number; e >= 0; e = eNum[e * E_NUM + E_NEXT] as number) {
      const kind = eNum[e * E_NUM + E_KIND];
      const spanId = eStr[e * E_STR] as string;
      const parentSpanId = eStr[e * E_STR + 1] as string;
      if (kind === PRICED || kind === UNPRICED) {
        spend.push({
          parentSpanId,
          pico: kind === UNPRICED ? undefined : (this.#eBig.get(e) ?? (eNum[e * E_NUM + E_PICO] as number)),
        });
        // A model call is a link too: spans under it reach the workflow above it through it.
        if (spanId !== '') links.push(spanId, parentSpanId);
      } else if (kind === FALLBACK) fallbacks.push({ spanId, parentSpanId });
      else links.push(spanId, parentSpanId);
    }
    for (const j of joinWorkflows({ workflows, spend, fallbacks, links }))
      sink(
        j.ref.service,
        j.ref.workflow,
        j.ref.tenant,
        j.ref.endMs,
        j.ref.outcome,
        j.withFallback,
        j.spend.pico.value(),
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

  /**
   * Removes an open trace and hands it to `finish` (with `dueMs`), then frees
   * its slot. False, and nothing done, when the slot holds no open trace: a
   * list from `select` can name a trace that finishing an earlier one took
   * (by forcing a window closed), and a trace is finished once.
   */
  take(slot: TraceSlot, finish: (slot: TraceSlot, dueMs: number) => void, dueMs: number): boolean {
    if (!this.#detach(slot)) return false;
    try {
      finish(slot, dueMs);
    } finally {
      this.#free(slot);
    }
    return true;
  }

  /** Open traces matching `pick`, in trace id order. */
  select(pick: (slot: TraceSlot) => boolean): TraceSlot[] {
    const out: TraceSlot[] = [];
    for (const slot of this.#index.slots()) if (pick(slot)) out.push(slot);
    const str = this.#str;
    return out.sort((a, b) => ((str[a * STR + ID] as string) < (str[b * STR + ID] as string) ? -1 : 1));
  }

  earliestMark(): Mark | undefined {
    let first = -1;
    let firstBig: Mark | undefined;
    const num = this.#num;
    for (const slot of this.#index.slots()) {
      const big = this.#bigFirst.get(slot);
      if (big) firstBig = firstBig ? earlier(firstBig, big) : big;
      else if (
        first < 0 ||
        (num[slot * NUM + FIRST_POSITION] as number) < (num[first * NUM + FIRST_POSITION] as number)
      )
        first = slot;
    }
    // Any position that fits a double is before every one that does not.
    return first >= 0 ? this.first(first) : firstBig;
  }

  /** Drops every trace and returns them to the budget. */
  clear(): void {
    for (const slot of this.#index.slots()) this.#free(slot);
    this.#budget.open -= this.#index.size;
    this.#index.clear();
    this.#due.clear();
    this.#lastSlot = -1;
    this.#lastId = '';
  }

  #dueOf(slot: TraceSlot): number {
    const num = this.#num;
    const r = slot * NUM;
    if (num[r + WORKFLOWS] === 0) return (num[r + MAX_END] as number) + this.#orphanTimeoutMs;
    return Math.min((num[r + WF_LAST_END] as number) + this.#joinWaitMs, num[r + WF_FIRST_CLOSE] as number);
  }

  /** Out of the index, the due queue and the budget (false when not open); the rows stay readable until #free. */
  #detach(slot: TraceSlot): boolean {
    if (!this.#index.delete(slot)) return false;
    this.#budget.open--;
    if (this.#lastSlot === slot) {
      this.#lastSlot = -1;
      this.#lastId = '';
    }
    this.#due.remove(slot);
    return true;
  }

  /** Returns the slot and its entries to their free lists, dropping the strings they held. */
  #free(slot: TraceSlot): void {
    const num = this.#num;
    const eNum = this.#eNum;
    const eStr = this.#eStr;
    const r = slot * NUM;
    let e = num[r + HEAD] as number;
    while (e >= 0) {
      const next = eNum[e * E_NUM + E_NEXT] as number;
      eStr[e * E_STR] = '';
      eStr[e * E_STR + 1] = '';
      if (this.#eBig.size > 0) this.#eBig.delete(e);
      eNum[e * E_NUM + E_NEXT] = this.#eFree;
      this.#eFree = e;
      e = next;
    }
    const str = this.#str;
    const q = slot * STR;
    str[q + ID] = '';
    this.#hints[slot] = undefined;
    if (num[r + WORKFLOWS] !== 0) {
      str[q + WF_SPAN_ID] = '';
      str[q + WF_PARENT_SPAN_ID] = '';
      if (this.#moreWorkflows.size > 0) this.#moreWorkflows.delete(slot);
    }
    if (this.#bigFirst.size > 0) this.#bigFirst.delete(slot);
    if (this.#bigSpend.size > 0) this.#bigSpend.delete(slot);
    this.#freeSlots.push(slot);
  }

  #append(slot: TraceSlot, kind: number, spanId: string, parentSpanId: string): number {
    if (this.#eFree < 0) this.#growEntries();
    const eNum = this.#eNum;
    const e = this.#eFree;
    const k = e * E_NUM;
    this.#eFree = eNum[k + E_NEXT] as number;
    eNum[k + E_KIND] = kind;
    eNum[k + E_NEXT] = -1;
    this.#eStr[e * E_STR] = spanId === '' ? '' : flatId(spanId);
    this.#eStr[e * E_STR + 1] = parentSpanId === '' ? '' : flatId(parentSpanId);
    const num = this.#num;
    const r = slot * NUM;
    const tail = num[r + TAIL] as number;
    if (tail < 0) num[r + HEAD] = e;
    else eNum[tail * E_NUM + E_NEXT] = e;
    num[r + TAIL] = e;
    return e;
  }

  #newSlot(): TraceSlot {
    const slot = this.#slots++;
    if (slot === this.#capacity) {
      const n = Math.max(INITIAL, this.#capacity * 2);
      const num = new Float64Array(n * NUM);
      num.set(this.#num);
      this.#num = num;
      this.#capacity = n;
    }
    for (let k = 0; k < STR; k++) this.#str.push('');
    this.#hints.push(undefined);
    return slot;
  }

  #growEntries(): void {
    const old = this.#eCapacity;
    const n = Math.max(4 * INITIAL, old * 2);
    const eNum = new Float64Array(n * E_NUM);
    eNum.set(this.#eNum);
    for (let e = old; e < n; e++) {
      this.#eStr.push('', '');
      eNum[e * E_NUM + E_NEXT] = e + 1 < n ? e + 1 : this.#eFree;
    }
    this.#eNum = eNum;
    this.#eFree = old;
    this.#eCapacity = n;
  }
}
