import type { AggregateCounts, AggregateKey, SafetyKind, WorkflowOutcome } from '@telltale/conventions';
import { isModelError } from '../classify/classify.ts';
import { type Pico, PicoSum } from '../cost/pico-sum.ts';
import type { Span } from '../span.ts';
import { sortSmall } from './small-sort.ts';
import type { Window } from './window.ts';

/** The spend a workflow carries into its window: summed model calls of its trace. */
export interface Spend {
  pico: PicoSum;
  pricedCalls: number;
  unpricedCalls: number;
}

/**
 * A (provider, model) pair as a window admitted it, with its record key built
 * once per window: accumulators key their model counts by this object, so a
 * call costs one identity lookup and no string is built per span or per emit.
 */
export interface ModelName {
  provider: string;
  model: string;
  /** `modelKey(provider, model)`: the key in `AggregateRecord.models`. */
  key: string;
}

interface ModelAcc {
  name: ModelName;
  calls: number;
  errors: number;
  input: number;
  output: number;
  cacheRead: number;
  reasoning: number;
  pico: PicoSum;
  pricedCalls: number;
  unpricedCalls: number;
}

/**
 * The state store of one windowed key: counts and sums, with money as exact
 * picodollars until the record is written, so nothing rounds on the way.
 */
export class AggregateAccumulator {
  readonly key: AggregateKey;
  /** The window it counts in: a caller holding it can tell whether it still applies. */
  readonly window: Window;
  readonly workflows = { success: 0, failure: 0, handoff: 0, abandoned: 0 };
  workflowsWithFallback = 0;
  readonly workflowCost: Spend = { pico: new PicoSum(), pricedCalls: 0, unpricedCalls: 0 };
  fallbacks = 0;
  // Created on first use: many keys of a window only ever see workflows, or only tools. Arrays searched
  // in order, not Maps: a key sees a few tools and models (the window caps bound them), and a Map per key
  // per window cost more to build than the scan.
  #tools: ToolAcc[] | undefined;
  #models: ModelAcc[] | undefined;
  #safety: Map<SafetyKind, Map<string, number>> | undefined;

  constructor(key: AggregateKey, window: Window) {
    this.key = key;
    this.window = window;
  }

  /** A workflow with its trace's spend (`pico` undefined when it had no priced call). */
  addWorkflow(
    outcome: WorkflowOutcome,
    withFallback: boolean,
    pico: PicoSum | undefined,
    pricedCalls: number,
    unpricedCalls: number,
  ): void {
    this.workflows[outcome]++;
    if (withFallback) this.workflowsWithFallback++;
    if (pico) this.workflowCost.pico.addSum(pico);
    this.workflowCost.pricedCalls += pricedCalls;
    this.workflowCost.unpricedCalls += unpricedCalls;
  }

  addTool(name: string, success: boolean): void {
    let t: ToolAcc | undefined;
    const tools = this.#tools;
    if (tools) for (let i = 0; i < tools.length && !t; i++) if ((tools[i] as ToolAcc).name === name) t = tools[i];
    if (!t) {
      t = { name, calls: 0, successes: 0 };
      // A one-element literal first: an empty array grown by push reserves 17 slots.
      if (this.#tools) this.#tools.push(t);
      else this.#tools = [t];
    }
    t.calls++;
    if (success) t.successes++;
  }

  /** A model call of `span`, keyed (after the caps) by `name`, costing `pico` (undefined when unpriced). */
  addModel(name: ModelName, span: Span, pico: Pico | undefined): void {
    let m: ModelAcc | undefined;
    const models = this.#models;
    if (models) for (let i = 0; i < models.length && !m; i++) if ((models[i] as ModelAcc).name === name) m = models[i];
    if (!m) {
      m = {
        name,
        calls: 0,
        errors: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        reasoning: 0,
        pico: new PicoSum(),
        pricedCalls: 0,
        unpricedCalls: 0,
      };
      if (this.#models) this.#models.push(m);
      else this.#models = [m];
    }
    m.calls++;
    if (isModelError(span)) m.errors++;
    m.input += span.inputTokens;
    m.output += span.outputTokens;
    m.cacheRead += span.cacheReadTokens;
    m.reasoning += span.reasoningTokens;
    if (pico === undefined) m.unpricedCalls++;
    else {
      m.pico.add(pico);
      m.pricedCalls++;
    }
  }

  addSafety(kind: SafetyKind, policy: string): void {
    this.#safety ??= new Map();
    let byPolicy = this.#safety.get(kind);
    if (!byPolicy) {
      byPolicy = new Map();
      this.#safety.set(kind, byPolicy);
    }
    byPolicy.set(policy, (byPolicy.get(policy) ?? 0) + 1);
    if (kind === 'fallback') this.fallbacks++;
  }

  /** The record body, with map keys sorted so equal state always serializes to equal bytes. */
  toCounts(): AggregateCounts {
    const tools: AggregateCounts['tools'] = {};
    if (this.#tools)
      for (const t of sorted(this.#tools, toolBefore)) tools[t.name] = { calls: t.calls, successes: t.successes };
    const models: AggregateCounts['models'] = {};
    if (this.#models)
      for (const m of sorted(this.#models, modelBefore))
        models[m.name.key] = {
          provider: m.name.provider,
          model: m.name.model,
          calls: m.calls,
          errors: m.errors,
          tokens: { input: m.input, output: m.output, cacheRead: m.cacheRead, reasoning: m.reasoning },
          cost: { picoUsd: m.pico.toString(), pricedCalls: m.pricedCalls, unpricedCalls: m.unpricedCalls },
        };
    const safety: AggregateCounts['safety'] = {};
    if (this.#safety)
      for (const kind of sortedKeys(this.#safety)) {
        const byPolicy = this.#safety.get(kind) as Map<string, number>;
        const out: Record<string, number> = {};
        for (const p of sortedKeys(byPolicy)) out[p] = byPolicy.get(p) as number;
        safety[kind] = out;
      }
    const w = this.workflows;
    return {
      workflows: { success: w.success, failure: w.failure, handoff: w.handoff, abandoned: w.abandoned },
      workflowsWithFallback: this.workflowsWithFallback,
      workflowCost: {
        picoUsd: this.workflowCost.pico.toString(),
        pricedCalls: this.workflowCost.pricedCalls,
        unpricedCalls: this.workflowCost.unpricedCalls,
      },
      tools,
      models,
      fallbacks: this.fallbacks,
      safety,
    };
  }
}

function sortedKeys<K extends string>(m: Map<K, unknown>): Iterable<K> {
  return m.size > 1 ? sortSmall([...m.keys()], stringBefore) : m.keys();
}

/** Most maps of a record hold one key: no call into the sort for those. */
function sorted<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  return items.length > 1 ? sortSmall(items, less) : items;
}

// Module-level orders, not a closure per call.
const toolBefore = (a: ToolAcc, b: ToolAcc): boolean => a.name < b.name;
const modelBefore = (a: ModelAcc, b: ModelAcc): boolean => a.name.key < b.name.key;
const stringBefore = (a: string, b: string): boolean => a < b;

interface ToolAcc {
  name: string;
  calls: number;
  successes: number;
}
