import type { WorkflowOutcome } from '@telltale/conventions';
import { type Pico, PicoSum } from '../cost/pico-sum.ts';

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
export interface Attributable {
  /** '' when the span cannot itself be a workflow span (a model call). */
  spanId: string;
  parentSpanId: string;
}

/** A model call of the trace: its parent, and its picodollars (undefined when unpriced). */
export interface SpendEntry {
  parentSpanId: string;
  pico: Pico | undefined;
}

/** The spend a workflow carries into its window: summed model calls of its trace. */
export interface Spend {
  pico: PicoSum;
  pricedCalls: number;
  unpricedCalls: number;
}

/** What one workflow of a finished trace adds to its window. */
export interface JoinedWorkflow {
  ref: WorkflowRef;
  withFallback: boolean;
  spend: Spend;
}

/** A finished trace with several workflow spans, as the join reads it. */
export interface MultiWorkflowTrace {
  workflows: readonly WorkflowRef[];
  spend: readonly SpendEntry[];
  fallbacks: readonly Attributable[];
  /** Parent links of the trace's other spans, as a flat [spanId, parentSpanId, ...] list. */
  links: readonly string[];
}

/**
 * Splits a trace's spend and fallbacks over its workflows. Each goes to its
 * nearest workflow ancestor by parent links; when no ancestor is known it
 * goes to the earliest-ending workflow (ties: smallest span id), the same
 * answer whatever order the spans arrived in. (A trace with one workflow
 * needs none of this: its totals are that workflow's share.)
 */
export function joinWorkflows(trace: MultiWorkflowTrace): JoinedWorkflow[] {
  const refs = [...trace.workflows].sort((a, b) =>
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
  const links = new Map<string, string>();
  const flat = trace.links;
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
  for (const s of trace.spend) {
    const w = owner({ spanId: '', parentSpanId: s.parentSpanId }).spend;
    if (s.pico === undefined) w.unpricedCalls++;
    else {
      w.pico.add(s.pico);
      w.pricedCalls++;
    }
  }
  for (const f of trace.fallbacks) owner(f).withFallback = true;
  return out;
}
