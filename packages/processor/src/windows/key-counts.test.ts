import type { AggregateCounts, SafetyKind, WorkflowOutcome } from '@telltale/conventions';
import { SAFETY_KINDS, WORKFLOW_OUTCOMES } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../test/support/random.ts';
import { modelSpan } from '../../test/spans.ts';
import type { Pico } from '../cost/pico-sum.ts';
import { KeyCounts, type ModelName } from './key-counts.ts';

const TOOLS = ['search', 'refund', 'kb_fetch', 'calculator', 'send_email'];
const MODELS: ModelName[] = [
  { provider: 'openai', model: 'gpt-4o', key: 'openai/gpt-4o' },
  { provider: 'openai', model: 'gpt-4o-mini', key: 'openai/gpt-4o-mini' },
  { provider: 'anthropic', model: 'claude-sonnet-4', key: 'anthropic/claude-sonnet-4' },
];

/** The record body one key should have, kept the plain way: objects, bigints, no rows or chains. */
interface Expected {
  workflows: Record<WorkflowOutcome, number>;
  withFallback: number;
  cost: bigint;
  priced: number;
  unpriced: number;
  fallbacks: number;
  tools: Map<string, { calls: number; successes: number }>;
  models: Map<
    string,
    { calls: number; errors: number; tokens: number[]; cost: bigint; priced: number; unpriced: number }
  >;
  safety: Map<string, Map<string, number>>;
}

function emptyExpected(): Expected {
  return {
    workflows: { success: 0, failure: 0, handoff: 0, abandoned: 0 },
    withFallback: 0,
    cost: 0n,
    priced: 0,
    unpriced: 0,
    fallbacks: 0,
    tools: new Map(),
    models: new Map(),
    safety: new Map(),
  };
}

function sortedObject<V, W>(m: Map<string, V>, f: (v: V, k: string) => W): Record<string, W> {
  const out: Record<string, W> = {};
  for (const k of [...m.keys()].sort()) out[k] = f(m.get(k) as V, k);
  return out;
}

function counts(e: Expected): AggregateCounts {
  return {
    workflows: { ...e.workflows },
    workflowsWithFallback: e.withFallback,
    workflowCost: { picoUsd: e.cost.toString(), pricedCalls: e.priced, unpricedCalls: e.unpriced },
    tools: sortedObject(e.tools, (t) => ({ ...t })),
    models: sortedObject(e.models, (m, key) => {
      const name = MODELS.find((n) => n.key === key) as ModelName;
      const [input, output, cacheRead, reasoning] = m.tokens as [number, number, number, number];
      return {
        provider: name.provider,
        model: name.model,
        calls: m.calls,
        errors: m.errors,
        tokens: { input, output, cacheRead, reasoning },
        cost: { picoUsd: m.cost.toString(), pricedCalls: m.priced, unpricedCalls: m.unpriced },
      };
    }),
    fallbacks: e.fallbacks,
    safety: sortedObject(e.safety, (byPolicy) => sortedObject(byPolicy, (n) => n)),
  };
}

describe('KeyCounts', () => {
  it('counts like a plain model of each key, past every first size and past 2^53 picodollars', () => {
    const r = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    // Amounts near 2^53 make sums cross it often; small ones keep most rows in doubles.
    const amount = (): Pico => {
      const x = r();
      if (x < 0.1) return BigInt(Number.MAX_SAFE_INTEGER) + BigInt(Math.floor(r() * 1000));
      if (x < 0.3) return Number.MAX_SAFE_INTEGER - Math.floor(r() * 1000);
      return Math.floor(r() * 1e9);
    };
    const c = new KeyCounts(TOOLS, MODELS);
    const expected: Expected[] = [];
    const keys = 300; // past the first size (64 rows) of keys, tool rows and model rows
    for (let k = 0; k < keys; k++) {
      c.addKey(k);
      expected.push(emptyExpected());
    }
    for (let i = 0; i < 20_000; i++) {
      const k = Math.floor(r() * keys);
      const e = expected[k] as Expected;
      const op = r();
      if (op < 0.3) {
        const outcome = pick(WORKFLOW_OUTCOMES);
        const withFallback = r() < 0.2;
        const priced = Math.floor(r() * 3);
        const unpriced = Math.floor(r() * 2);
        const pico = priced > 0 ? amount() : 0;
        c.addWorkflow(k, outcome, withFallback, pico, priced, unpriced);
        e.workflows[outcome]++;
        if (withFallback) e.withFallback++;
        e.cost += BigInt(pico);
        e.priced += priced;
        e.unpriced += unpriced;
      } else if (op < 0.55) {
        const tool = Math.floor(r() * TOOLS.length);
        const success = r() < 0.8;
        c.addTool(k, tool, success);
        const name = TOOLS[tool] as string;
        const t = e.tools.get(name) ?? { calls: 0, successes: 0 };
        t.calls++;
        if (success) t.successes++;
        e.tools.set(name, t);
      } else if (op < 0.9) {
        const model = Math.floor(r() * MODELS.length);
        const span = modelSpan({
          statusCode: r() < 0.1 ? 2 : 0,
          inputTokens: Math.floor(r() * 5000),
          outputTokens: Math.floor(r() * 500),
          cacheReadTokens: Math.floor(r() * 100),
          reasoningTokens: Math.floor(r() * 50),
        });
        const pico = r() < 0.2 ? undefined : amount();
        c.addModel(k, model, span, pico);
        const key = (MODELS[model] as ModelName).key;
        const m = e.models.get(key) ?? { calls: 0, errors: 0, tokens: [0, 0, 0, 0], cost: 0n, priced: 0, unpriced: 0 };
        m.calls++;
        if (span.statusCode === 2) m.errors++;
        const t = m.tokens as [number, number, number, number];
        t[0] += span.inputTokens;
        t[1] += span.outputTokens;
        t[2] += span.cacheReadTokens;
        t[3] += span.reasoningTokens;
        if (pico === undefined) m.unpriced++;
        else {
          m.cost += BigInt(pico);
          m.priced++;
        }
        e.models.set(key, m);
      } else {
        const kind: SafetyKind = pick(SAFETY_KINDS);
        const policy = pick(['pii', 'jailbreak', 'model-down', 'latency']);
        c.addSafety(k, kind, policy);
        const byPolicy = e.safety.get(kind) ?? new Map<string, number>();
        byPolicy.set(policy, (byPolicy.get(policy) ?? 0) + 1);
        e.safety.set(kind, byPolicy);
        if (kind === 'fallback') e.fallbacks++;
      }
    }
    let crossed = 0;
    for (let k = 0; k < keys; k++) {
      const e = expected[k] as Expected;
      if (e.cost > BigInt(Number.MAX_SAFE_INTEGER)) crossed++;
      expect(c.toCounts(k), `key ${k}`).toEqual(counts(e));
    }
    // The bigint side of the sums was exercised, not just the doubles.
    expect(crossed).toBeGreaterThan(keys / 2);
  });

  it('gives a key that saw nothing all zeros and empty maps', () => {
    const c = new KeyCounts(TOOLS, MODELS);
    c.addKey(0);
    expect(c.toCounts(0)).toEqual(counts(emptyExpected()));
  });
});
