import {
  type AggregateCounts,
  type AggregateKey,
  modelKey,
  type SafetyKind,
  type WorkflowOutcome,
} from '@telltale/conventions';

/** What a model call adds: tokens, outcome, and its cost (picodollars, or unpriced). */
export interface ModelCall {
  provider: string;
  model: string;
  error: boolean;
  input: number;
  output: number;
  cacheRead: number;
  reasoning: number;
  picoUsd: bigint;
  priced: boolean;
}

/** The spend a workflow carries into its window: summed model calls of its trace. */
export interface Spend {
  picoUsd: bigint;
  pricedCalls: number;
  unpricedCalls: number;
}

interface ModelAcc {
  provider: string;
  model: string;
  calls: number;
  errors: number;
  input: number;
  output: number;
  cacheRead: number;
  reasoning: number;
  picoUsd: bigint;
  pricedCalls: number;
  unpricedCalls: number;
}

/**
 * The state store of one windowed key: counts and sums, with money as BigInt
 * picodollars until the record is written, so nothing rounds on the way.
 */
export class AggregateAccumulator {
  readonly key: AggregateKey;
  readonly workflows = { success: 0, failure: 0, handoff: 0, abandoned: 0 };
  workflowsWithFallback = 0;
  readonly workflowCost: Spend = { picoUsd: 0n, pricedCalls: 0, unpricedCalls: 0 };
  fallbacks = 0;
  // Created on first use: many keys of a window only ever see workflows, or only tools.
  #tools: Map<string, ToolCounts> | undefined;
  #models: Map<string, ModelAcc> | undefined;
  #safety: Map<SafetyKind, Map<string, number>> | undefined;

  constructor(key: AggregateKey) {
    this.key = key;
  }

  addWorkflow(outcome: WorkflowOutcome, withFallback: boolean, spend: Spend): void {
    this.workflows[outcome]++;
    if (withFallback) this.workflowsWithFallback++;
    this.workflowCost.picoUsd += spend.picoUsd;
    this.workflowCost.pricedCalls += spend.pricedCalls;
    this.workflowCost.unpricedCalls += spend.unpricedCalls;
  }

  addTool(name: string, success: boolean): void {
    this.#tools ??= new Map();
    let t = this.#tools.get(name);
    if (!t) {
      t = { calls: 0, successes: 0 };
      this.#tools.set(name, t);
    }
    t.calls++;
    if (success) t.successes++;
  }

  addModel(call: ModelCall): void {
    this.#models ??= new Map();
    const k = modelKey(call.provider, call.model);
    let m = this.#models.get(k);
    if (!m) {
      m = {
        provider: call.provider,
        model: call.model,
        calls: 0,
        errors: 0,
        input: 0,
        output: 0,
        cacheRead: 0,
        reasoning: 0,
        picoUsd: 0n,
        pricedCalls: 0,
        unpricedCalls: 0,
      };
      this.#models.set(k, m);
    }
    m.calls++;
    if (call.error) m.errors++;
    m.input += call.input;
    m.output += call.output;
    m.cacheRead += call.cacheRead;
    m.reasoning += call.reasoning;
    if (call.priced) {
      m.picoUsd += call.picoUsd;
      m.pricedCalls++;
    } else m.unpricedCalls++;
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
      for (const name of sortedKeys(this.#tools)) tools[name] = { ...(this.#tools.get(name) as ToolCounts) };
    const models: AggregateCounts['models'] = {};
    if (this.#models)
      for (const k of sortedKeys(this.#models)) {
        const m = this.#models.get(k) as ModelAcc;
        models[k] = {
          provider: m.provider,
          model: m.model,
          calls: m.calls,
          errors: m.errors,
          tokens: { input: m.input, output: m.output, cacheRead: m.cacheRead, reasoning: m.reasoning },
          cost: { picoUsd: m.picoUsd.toString(), pricedCalls: m.pricedCalls, unpricedCalls: m.unpricedCalls },
        };
      }
    const safety: AggregateCounts['safety'] = {};
    if (this.#safety)
      for (const kind of sortedKeys(this.#safety)) {
        const byPolicy = this.#safety.get(kind) as Map<string, number>;
        const out: Record<string, number> = {};
        for (const p of sortedKeys(byPolicy)) out[p] = byPolicy.get(p) as number;
        safety[kind] = out;
      }
    return {
      workflows: { ...this.workflows },
      workflowsWithFallback: this.workflowsWithFallback,
      workflowCost: {
        picoUsd: this.workflowCost.picoUsd.toString(),
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

function sortedKeys<K extends string>(m: Map<K, unknown>): K[] {
  const keys = [...m.keys()];
  return keys.length > 1 ? keys.sort() : keys;
}

type ToolCounts = { calls: number; successes: number };
