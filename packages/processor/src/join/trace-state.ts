import type { WorkflowOutcome } from '@telltale/conventions';
import { type Pico, PicoSum } from '../cost/pico-sum.ts';
import type { Mark } from '../engine/mark.ts';
import type { Spend } from '../windows/aggregate-accumulator.ts';
import { flatId } from './flat-id.ts';

/** A workflow span of a trace, with what its window key needs. */
export interface WorkflowRef {
  spanId: string;
  parentSpanId: string;
  endMs: number;
  service: string;
  workflow: string;
  tenant: string;
  outcome: WorkflowOutcome;
}

/** Something to attribute to a workflow of the trace: a model call's cost, or a fallback. */
interface Attributable {
  /** '' when the span cannot itself be a workflow span (a model call), which saves holding its id. */
  spanId: string;
  parentSpanId: string;
}

/** Marks an unpriced call in the flat spend list (amounts are never negative). */
const UNPRICED = -1;

const NONE: readonly WorkflowRef[] = [];

/** What one workflow of a finished trace adds to its window. */
export interface JoinedWorkflow {
  ref: WorkflowRef;
  withFallback: boolean;
  spend: Spend;
}

/**
 * The per-trace state of the join: the trace's workflow spans, the cost of
 * its model calls, its fallbacks, and parent links of its other spans (to find
 * a contribution's nearest workflow ancestor when a trace has several).
 */
export class TraceState {
  readonly traceId: string;
  readonly first: Mark;
  maxEndMs = Number.NEGATIVE_INFINITY;
  /** Where the store's due queue holds this trace (see DueQueue). */
  queueIndex = -1;
  // Created on first use, each as a one-element literal: most traces hold one workflow and a few
  // calls, and empty or pushed-to arrays would reserve room for 17 elements per trace.
  #workflows: WorkflowRef[] | undefined;
  /**
   * The trace's model calls as a flat [parentSpanId, picodollars or UNPRICED, ...] list, kept for
   * traces with several workflows; the totals below answer the common single-workflow trace.
   */
  #spend: (string | Pico)[] | undefined;
  #fallbacks: Attributable[] | undefined;
  /** All model spend of the trace, undefined before its first priced call. */
  spend: PicoSum | undefined;
  pricedCalls = 0;
  unpricedCalls = 0;
  /** Parent links as a flat [spanId, parentSpanId, ...] list: a Map per trace costs more than it saves. */
  #links: string[] | undefined;

  constructor(traceId: string, first: Mark) {
    this.traceId = traceId;
    this.first = first;
  }

  seen(endMs: number): void {
    if (endMs > this.maxEndMs) this.maxEndMs = endMs;
  }

  get workflows(): readonly WorkflowRef[] {
    return this.#workflows ?? NONE;
  }

  addWorkflow(ref: WorkflowRef): void {
    if (this.#workflows) this.#workflows.push(ref);
    else this.#workflows = [ref];
  }

  /** A model call's cost, undefined when unpriced; model calls are never workflow spans, so only the parent is kept. */
  addSpend(parentSpanId: string, pico: Pico | undefined): void {
    const parent = flatId(parentSpanId);
    if (pico === undefined) this.unpricedCalls++;
    else {
      this.pricedCalls++;
      this.spend ??= new PicoSum();
      this.spend.add(pico);
    }
    const amount = pico ?? UNPRICED;
    if (this.#spend) this.#spend.push(parent, amount);
    else this.#spend = [parent, amount];
  }

  /** Whether any span of the trace carried a fallback. */
  get hasFallback(): boolean {
    return this.#fallbacks !== undefined;
  }

  addFallback(spanId: string, parentSpanId: string): void {
    const e = { spanId: flatId(spanId), parentSpanId: flatId(parentSpanId) };
    if (this.#fallbacks) this.#fallbacks.push(e);
    else this.#fallbacks = [e];
  }

  /** Records a parent link; false when the trace already holds `maxLinks` (the caller counts it). */
  addLink(spanId: string, parentSpanId: string, maxLinks: number): boolean {
    if (!parentSpanId) return true;
    if (!this.#links) {
      this.#links = [flatId(spanId), flatId(parentSpanId)];
      return true;
    }
    if (this.#links.length >= 2 * maxLinks) return false;
    this.#links.push(flatId(spanId), flatId(parentSpanId));
    return true;
  }

  /**
   * When the trace is finished (workflow seen) or expires (none seen): the
   * join wait after its last workflow span, but never after the close of a
   * window one of its workflows counts in (`closeOf(endMs)`), so no workflow
   * of the trace is ever late for its own window.
   */
  dueMs(joinWaitMs: number, orphanTimeoutMs: number, closeOf: (endMs: number) => number): number {
    if (this.workflows.length === 0) return this.maxEndMs + orphanTimeoutMs;
    let end = Number.NEGATIVE_INFINITY;
    let firstClose = Number.POSITIVE_INFINITY;
    for (const w of this.workflows) {
      if (w.endMs > end) end = w.endMs;
      const c = closeOf(w.endMs);
      if (c < firstClose) firstClose = c;
    }
    return Math.min(end + joinWaitMs, firstClose);
  }

  /**
   * Splits the trace's spend and fallbacks over its workflows (with one,
   * the totals above already are its share). Each goes to its nearest
   * workflow ancestor by parent links; when no ancestor is known it goes to
   * the earliest-ending workflow (ties: smallest span id), the same answer
   * whatever order the spans arrived in.
   */
  join(): JoinedWorkflow[] {
    const refs = [...this.workflows].sort((a, b) =>
      a.endMs !== b.endMs ? a.endMs - b.endMs : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0,
    );
    const out: JoinedWorkflow[] = refs.map((ref) => ({
      ref,
      withFallback: false,
      spend: { pico: new PicoSum(), pricedCalls: 0, unpricedCalls: 0 },
    }));
    const index = new Map<string, number>();
    refs.forEach((r, i) => {
      if (!index.has(r.spanId)) index.set(r.spanId, i);
    });
    // Parent links are only needed here, with several workflows: index them now.
    const links = new Map<string, string>();
    const flat = this.#links ?? [];
    for (let i = 0; i + 1 < flat.length; i += 2) links.set(flat[i] as string, flat[i + 1] as string);
    const owner = (a: Attributable): JoinedWorkflow => {
      if (out.length === 1) return out[0] as JoinedWorkflow;
      const self = a.spanId ? index.get(a.spanId) : undefined;
      if (self !== undefined) return out[self] as JoinedWorkflow;
      let p = a.parentSpanId;
      // Bounded walk: a malformed trace could hold a parent cycle.
      for (let steps = 0; p && steps <= links.size + 1; steps++) {
        const i = index.get(p);
        if (i !== undefined) return out[i] as JoinedWorkflow;
        p = links.get(p) ?? '';
      }
      return out[0] as JoinedWorkflow;
    };
    const spend = this.#spend ?? [];
    for (let i = 0; i + 1 < spend.length; i += 2) {
      const w = owner({ spanId: '', parentSpanId: spend[i] as string }).spend;
      const amount = spend[i + 1] as Pico;
      if (amount === UNPRICED) w.unpricedCalls++;
      else {
        w.pico.add(amount);
        w.pricedCalls++;
      }
    }
    for (const f of this.#fallbacks ?? []) owner(f).withFallback = true;
    return out;
  }
}
