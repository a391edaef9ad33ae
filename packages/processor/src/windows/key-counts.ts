import type { AggregateCounts, Cost, SafetyKind, WorkflowOutcome } from '@telltale/conventions';
import { isModelError } from '../classify/classify.ts';
import { addPicoAt, type Pico, picoDecimal } from '../cost/pico-sum.ts';
import type { Span } from '../span.ts';
import { ChainedRows, grow, NAME } from './chained-rows.ts';
import { sortSmall } from './small-sort.ts';

/** A (provider, model) pair as a window admitted it, with its record key built once per window. */
export interface ModelName {
  provider: string;
  model: string;
  /** `modelKey(provider, model)`: the key in `AggregateRecord.models`. */
  key: string;
}

// A key's row of numbers: the outcomes first, in WORKFLOW_OUTCOMES order.
const SUCCESS = 0;
const FAILURE = 1;
const HANDOFF = 2;
const ABANDONED = 3;
const WITH_FALLBACK = 4;
// A cost is three columns in a row, in this order (costAt reads them): picodollars, priced calls, unpriced calls.
const COST = 5;
const COST_PRICED = 6;
const COST_UNPRICED = 7;
const FALLBACKS = 8;
const TOOL_HEAD = 9;
const MODEL_HEAD = 10;
const KEY = 11;
// A (key, tool) row, after NAME and NEXT (ChainedRows).
const T_CALLS = 2;
const T_SUCCESSES = 3;
const TOOL = 4;
// A (key, model) row, after NAME and NEXT.
const M_CALLS = 2;
const M_ERRORS = 3;
const M_INPUT = 4;
const M_OUTPUT = 5;
const M_CACHE_READ = 6;
const M_REASONING = 7;
// A model cost is three columns in the same order (costAt).
const M_PICO = 8;
const M_PRICED = 9;
const M_UNPRICED = 10;
const MODEL = 11;

const INITIAL_ROWS = 64;

/**
 * The counts of one window's keys, as columns: a row of numbers per key, and
 * rows per (key, tool) and (key, model) chained from it. Keys are the
 * window's dense key ids; tools and models are its name ids.
 *
 * Flat arrays, not an object per key: a window lives for its size plus the
 * grace period, so everything it holds survives young-generation collection
 * and is promoted. With an object per key, per tool and per model (and a sum
 * object each) that was thousands of small objects per window, built, copied
 * and dropped every window. Here a window holds a few arrays, grown by
 * doubling, whatever its keys see.
 *
 * Money is exact: picodollars as a safe-integer double per row while the sum
 * fits (every real one), the part past it as a bigint on the side
 * (`addPicoAt`).
 */
export class KeyCounts {
  #keys = new Float64Array(INITIAL_ROWS * KEY);
  readonly #tools = new ChainedRows(TOOL, INITIAL_ROWS);
  readonly #models = new ChainedRows(MODEL, INITIAL_ROWS);
  /** Workflow cost past 2^53, by key id; model cost past it, by model row. */
  readonly #bigCost = new Map<number, bigint>();
  readonly #bigModelCost = new Map<number, bigint>();
  /** Rare (a few keys of a window ever see one): nested maps by key id. */
  #safety: Map<number, Map<SafetyKind, Map<string, number>>> | undefined;
  readonly #toolNames: readonly string[];
  readonly #modelNames: readonly ModelName[];
  /** The names records sort tools and models by, by id (made once: toCounts runs per record). */
  readonly #toolName = (id: number): string => this.#toolNames[id] as string;
  readonly #modelKey = (id: number): string => (this.#modelNames[id] as ModelName).key;

  /** The window's name tables: tool and model ids index them. */
  constructor(toolNames: readonly string[], modelNames: readonly ModelName[]) {
    this.#toolNames = toolNames;
    this.#modelNames = modelNames;
  }

  /** Makes room for key id `k` (ids come in order from 0), with nothing counted. */
  addKey(k: number): void {
    let keys = this.#keys;
    if ((k + 1) * KEY > keys.length) {
      keys = grow(keys, (k + 1) * KEY);
      this.#keys = keys;
    }
    keys[k * KEY + TOOL_HEAD] = -1;
    keys[k * KEY + MODEL_HEAD] = -1;
  }

  /** A workflow of key `k` with its trace's spend (`pico` 0 when it had no priced call). */
  addWorkflow(
    k: number,
    outcome: WorkflowOutcome,
    withFallback: boolean,
    pico: Pico,
    pricedCalls: number,
    unpricedCalls: number,
  ): void {
    const keys = this.#keys;
    const r = k * KEY;
    const o = r + outcomeColumn(outcome);
    keys[o] = (keys[o] as number) + 1;
    if (withFallback) keys[r + WITH_FALLBACK] = (keys[r + WITH_FALLBACK] as number) + 1;
    if (pico !== 0) addPicoAt(keys, r + COST, pico, this.#bigCost, k);
    keys[r + COST_PRICED] = (keys[r + COST_PRICED] as number) + pricedCalls;
    keys[r + COST_UNPRICED] = (keys[r + COST_UNPRICED] as number) + unpricedCalls;
  }

  addTool(k: number, tool: number, success: boolean): void {
    const h = k * KEY + TOOL_HEAD;
    const tools = this.#tools;
    let t = tools.find(this.#keys[h] as number, tool);
    if (t < 0) {
      t = tools.add(tool, this.#keys[h] as number);
      this.#keys[h] = t;
    }
    const rows = tools.data;
    const q = t * TOOL;
    rows[q + T_CALLS] = (rows[q + T_CALLS] as number) + 1;
    if (success) rows[q + T_SUCCESSES] = (rows[q + T_SUCCESSES] as number) + 1;
  }

  /** A model call of `span` for key `k`, counted under model id `model`, costing `pico` (undefined when unpriced). */
  addModel(k: number, model: number, span: Span, pico: Pico | undefined): void {
    const h = k * KEY + MODEL_HEAD;
    let m = this.#models.find(this.#keys[h] as number, model);
    if (m < 0) {
      m = this.#models.add(model, this.#keys[h] as number);
      this.#keys[h] = m;
    }
    const models = this.#models.data;
    const q = m * MODEL;
    models[q + M_CALLS] = (models[q + M_CALLS] as number) + 1;
    if (isModelError(span)) models[q + M_ERRORS] = (models[q + M_ERRORS] as number) + 1;
    models[q + M_INPUT] = (models[q + M_INPUT] as number) + span.inputTokens;
    models[q + M_OUTPUT] = (models[q + M_OUTPUT] as number) + span.outputTokens;
    models[q + M_CACHE_READ] = (models[q + M_CACHE_READ] as number) + span.cacheReadTokens;
    models[q + M_REASONING] = (models[q + M_REASONING] as number) + span.reasoningTokens;
    if (pico === undefined) models[q + M_UNPRICED] = (models[q + M_UNPRICED] as number) + 1;
    else {
      if (pico !== 0) addPicoAt(models, q + M_PICO, pico, this.#bigModelCost, m);
      models[q + M_PRICED] = (models[q + M_PRICED] as number) + 1;
    }
  }

  addSafety(k: number, kind: SafetyKind, policy: string): void {
    this.#safety ??= new Map();
    let byKind = this.#safety.get(k);
    if (!byKind) {
      byKind = new Map();
      this.#safety.set(k, byKind);
    }
    let byPolicy = byKind.get(kind);
    if (!byPolicy) {
      byPolicy = new Map();
      byKind.set(kind, byPolicy);
    }
    byPolicy.set(policy, (byPolicy.get(policy) ?? 0) + 1);
    if (kind === 'fallback') {
      const keys = this.#keys;
      keys[k * KEY + FALLBACKS] = (keys[k * KEY + FALLBACKS] as number) + 1;
    }
  }

  /** Key `k`'s record body, with map keys sorted so equal counts always serialize to equal bytes. */
  toCounts(k: number): AggregateCounts {
    const keys = this.#keys;
    const r = k * KEY;
    const tools: AggregateCounts['tools'] = {};
    const toolNames = this.#toolNames;
    const ts = this.#tools.data;
    for (const row of sortedChain(this.#tools, keys[r + TOOL_HEAD] as number, this.#toolName)) {
      const q = row * TOOL;
      tools[toolNames[ts[q + NAME] as number] as string] = {
        calls: ts[q + T_CALLS] as number,
        successes: ts[q + T_SUCCESSES] as number,
      };
    }
    const models: AggregateCounts['models'] = {};
    const modelNames = this.#modelNames;
    const ms = this.#models.data;
    for (const row of sortedChain(this.#models, keys[r + MODEL_HEAD] as number, this.#modelKey)) {
      const q = row * MODEL;
      const name = modelNames[ms[q + NAME] as number] as ModelName;
      models[name.key] = {
        provider: name.provider,
        model: name.model,
        calls: ms[q + M_CALLS] as number,
        errors: ms[q + M_ERRORS] as number,
        tokens: {
          input: ms[q + M_INPUT] as number,
          output: ms[q + M_OUTPUT] as number,
          cacheRead: ms[q + M_CACHE_READ] as number,
          reasoning: ms[q + M_REASONING] as number,
        },
        cost: costAt(ms, q + M_PICO, this.#bigModelCost.get(row)),
      };
    }
    const safety: AggregateCounts['safety'] = {};
    const byKind = this.#safety?.get(k);
    if (byKind)
      for (const kind of sortedKeys(byKind)) {
        const byPolicy = byKind.get(kind) as Map<string, number>;
        const out: Record<string, number> = {};
        for (const p of sortedKeys(byPolicy)) out[p] = byPolicy.get(p) as number;
        safety[kind] = out;
      }
    return {
      workflows: {
        success: keys[r + SUCCESS] as number,
        failure: keys[r + FAILURE] as number,
        handoff: keys[r + HANDOFF] as number,
        abandoned: keys[r + ABANDONED] as number,
      },
      workflowsWithFallback: keys[r + WITH_FALLBACK] as number,
      workflowCost: costAt(keys, r + COST, this.#bigCost.get(k)),
      tools,
      models,
      fallbacks: keys[r + FALLBACKS] as number,
      safety,
    };
  }
}

/** The cost whose three columns start at `at` (picodollars, priced, unpriced), with its part past 2^53. */
function costAt(row: Float64Array, at: number, big: bigint | undefined): Cost {
  return {
    picoUsd: picoDecimal(row[at] as number, big),
    pricedCalls: row[at + 1] as number,
    unpricedCalls: row[at + 2] as number,
  };
}

function outcomeColumn(outcome: WorkflowOutcome): number {
  switch (outcome) {
    case 'success':
      return SUCCESS;
    case 'failure':
      return FAILURE;
    case 'handoff':
      return HANDOFF;
    case 'abandoned':
      return ABANDONED;
  }
}

/** The rows on the chain from `head`, by the name `nameOf` gives their name ids (map keys in records are sorted). */
function sortedChain(rows: ChainedRows, head: number, nameOf: (id: number) => string): readonly number[] {
  if (head < 0) return NO_ROWS;
  const chain = rows.chain(head);
  if (chain.length === 1) return chain;
  const data = rows.data;
  const stride = rows.stride;
  return sortSmall(
    chain,
    (a, b) => nameOf(data[a * stride + NAME] as number) < nameOf(data[b * stride + NAME] as number),
  );
}

const NO_ROWS: readonly number[] = [];

function sortedKeys<K extends string>(m: Map<K, unknown>): Iterable<K> {
  return m.size > 1 ? sortSmall([...m.keys()], stringBefore) : m.keys();
}

const stringBefore = (a: string, b: string): boolean => a < b;
