import {
  type AggregateCounts,
  type AggregateRecord,
  emptyCounts,
  mergeCounts,
  modelKey,
  usdToPico,
} from '@telltale/conventions';
import { seededRandom as prng } from '../../../test/support/random.ts';
import { aggregate } from './aggregates.ts';

/**
 * Aggregates from two processor shards over `windows` 10 s windows ending
 * at `endMs`: two services, three workflows, three tools, two models, safety
 * events, cost in odd fractions of a cent. Returns them and their exact
 * merged totals, the ground truth the metrics must equal.
 */
export function workload(
  seed: number,
  endMs: number,
  windows: number,
): { records: AggregateRecord[]; totals: AggregateCounts } {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const records: AggregateRecord[] = [];
  const totals = emptyCounts();
  const first = Math.floor(endMs / 10_000) * 10_000 - windows * 10_000;
  for (let w = 0; w < windows; w++) {
    for (const shard of ['otlp_spans/0', 'otlp_spans/1'])
      for (const [service, workflow] of [
        ['support', 'refund'],
        ['support', 'triage'],
        ['search', 'answer'],
      ] as const) {
        const success = int(20);
        const failure = int(3);
        const handoff = int(2);
        const tools: Record<string, { calls: number; successes: number }> = {};
        for (const tool of ['web_search', 'crm_lookup', 'refund_api']) {
          const calls = int(30);
          tools[tool] = { calls, successes: calls - int(Math.min(calls, 3) + 1) };
        }
        const input = int(5000);
        const output = int(800);
        const costUsd = Number((input * 0.0000025 + output * 0.00001).toFixed(9));
        const models = {
          [modelKey('openai', 'gpt-4o')]: {
            provider: 'openai',
            model: 'gpt-4o',
            calls: success + failure,
            errors: failure,
            tokens: { input, output, cacheRead: int(100), reasoning: 0 },
            cost: { picoUsd: usdToPico(costUsd).toString(), pricedCalls: success + failure, unpricedCalls: 0 },
          },
          [modelKey('anthropic', 'claude-sonnet-4')]: {
            provider: 'anthropic',
            model: 'claude-sonnet-4',
            calls: 1,
            errors: 0,
            tokens: { input: 10, output: 5, cacheRead: 0, reasoning: int(50) },
            cost: { picoUsd: '0', pricedCalls: 0, unpricedCalls: 1 },
          },
        };
        // Of the workflows counted: never more than there are.
        const withFallback = Math.min(int(2), success + failure + handoff);
        const r = aggregate({
          shard,
          startMs: first + w * 10_000,
          key: { service, workflow, tenant: '' },
          workflows: { success, failure, handoff },
          withFallback,
          fallbacks: withFallback * 2,
          costUsd,
          tools,
          models,
          safety: { blocked: { pii: int(2) }, escalated: { refund_limit: int(2) } },
        });
        records.push(r);
        mergeCounts(totals, r);
      }
  }
  return { records, totals };
}
