import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AGGREGATE_SCHEMA_V1,
  type AggregateRecord,
  aggregateId,
  aggregateRecordSchema,
  windowAggregateIds,
} from './aggregate.ts';
import { emptyCounts, mergeCounts } from './merge.ts';

const key = { service: 'support', workflow: 'refund', tenant: 'acme' };

function record(shard: string, overrides: Partial<AggregateRecord> = {}): AggregateRecord {
  return {
    schema: AGGREGATE_SCHEMA_V1,
    id: aggregateId(shard, 0, 10_000, key),
    shard,
    window: { startMs: 0, endMs: 10_000 },
    key,
    ...emptyCounts(),
    ...overrides,
  };
}

describe('aggregate ids', () => {
  it('are deterministic over shard, window and key', () => {
    expect(aggregateId('otlp_spans/0', 0, 10_000, key)).toBe(aggregateId('otlp_spans/0', 0, 10_000, { ...key }));
    expect(aggregateId('otlp_spans/0', 0, 10_000, key)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differ when any of shard, window or key differs, so partials from replicas are all applied', () => {
    const ids = new Set([
      aggregateId('otlp_spans/0', 0, 10_000, key),
      aggregateId('otlp_spans/1', 0, 10_000, key),
      aggregateId('otlp_spans/0', 10_000, 20_000, key),
      aggregateId('otlp_spans/0', 0, 10_000, { ...key, tenant: 'globex' }),
      aggregateId('otlp_spans/0', 0, 10_000, { ...key, workflow: '' }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('hash exactly the JSON array of schema, shard, window and key, whatever characters the values hold', () => {
    const values = [
      'plain',
      'quo"te',
      'back\\slash',
      'new\nline',
      '\u0000',
      'emoji 😀',
      'lone \ud800',
      'ünïcödé',
      '',
      'a/b',
    ];
    for (const service of values)
      for (const tenant of values) {
        const k = { service, workflow: 'wf', tenant };
        const json = JSON.stringify([
          AGGREGATE_SCHEMA_V1,
          'otlp_spans/3',
          1_700_000_000_000,
          1_700_000_010_000,
          service,
          'wf',
          tenant,
        ]);
        expect(aggregateId('otlp_spans/3', 1_700_000_000_000, 1_700_000_010_000, k)).toBe(
          hash('sha256', json, 'hex').slice(0, 32),
        );
      }
  });

  it('computed per window (windowAggregateIds) are the same hash of the same JSON array, whatever characters', () => {
    const values = ['plain', 'quo"te', 'back\\slash', 'tab\t', '\u001f', 'emoji 😀', 'lone \udfff', 'ünï', '', 'a/b'];
    for (const shard of values) {
      const idOf = windowAggregateIds(shard, -5, 1_748_736_000_000);
      for (const service of values)
        for (const workflow of values)
          for (const tenant of values) {
            const json = JSON.stringify([AGGREGATE_SCHEMA_V1, shard, -5, 1_748_736_000_000, service, workflow, tenant]);
            const id = idOf({ service, workflow, tenant });
            expect(id).toBe(hash('sha256', json, 'hex').slice(0, 32));
            expect(id).toBe(aggregateId(shard, -5, 1_748_736_000_000, { service, workflow, tenant }));
          }
    }
  });

  it('do not collide when dimension values contain the separator characters', () => {
    const a = aggregateId('s', 0, 1, { service: 'a/b', workflow: 'c', tenant: '' });
    const b = aggregateId('s', 0, 1, { service: 'a', workflow: 'b/c', tenant: '' });
    expect(a).not.toBe(b);
  });
});

describe('the aggregate record schema', () => {
  it('accepts a complete record', () => {
    const r = record('otlp_spans/0', {
      tools: { search: { calls: 3, successes: 2 } },
      safety: { blocked: { pii: 1 } },
    });
    expect(aggregateRecordSchema.parse(r)).toEqual(r);
  });

  it('names the path of a bad field', () => {
    const bad = { ...record('x'), tools: { search: { calls: -1, successes: 0 } } };
    const result = aggregateRecordSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['tools', 'search', 'calls']);
  });

  it('rejects fractional money and unknown safety kinds', () => {
    expect(
      aggregateRecordSchema.safeParse({
        ...record('x'),
        workflowCost: { picoUsd: '1.5', pricedCalls: 1, unpricedCalls: 0 },
      }).success,
    ).toBe(false);
    expect(aggregateRecordSchema.safeParse({ ...record('x'), safety: { jailbreak: { p: 1 } } }).success).toBe(false);
  });

  it('rejects more successes than tool calls, and more errors than model calls, at the path of the part', () => {
    const tools = aggregateRecordSchema.safeParse({ ...record('x'), tools: { search: { calls: 1, successes: 5 } } });
    expect(tools.error?.issues[0]).toMatchObject({
      path: ['tools', 'search', 'successes'],
      message: 'successes exceed calls',
    });
    const model = {
      provider: 'p',
      model: 'm',
      calls: 0,
      errors: 1,
      tokens: { input: 0, output: 0, cacheRead: 0, reasoning: 0 },
      cost: { picoUsd: '0', pricedCalls: 0, unpricedCalls: 0 },
    };
    const models = aggregateRecordSchema.safeParse({ ...record('x'), models: { 'p/m': model } });
    expect(models.error?.issues[0]?.path).toEqual(['models', 'p/m', 'errors']);
  });

  it('rejects sums no consumer can hold: more workflows with a fallback than workflows, 31-digit picodollars', () => {
    const fallbacks = aggregateRecordSchema.safeParse({ ...record('x'), workflowsWithFallback: 1 });
    expect(fallbacks.error?.issues[0]?.path).toEqual(['workflowsWithFallback']);
    const huge = { picoUsd: '9'.repeat(31), pricedCalls: 1, unpricedCalls: 0 };
    expect(aggregateRecordSchema.safeParse({ ...record('x'), workflowCost: huge }).error?.issues[0]?.path).toEqual([
      'workflowCost',
      'picoUsd',
    ]);
    expect(
      aggregateRecordSchema.safeParse({ ...record('x'), workflowCost: { ...huge, picoUsd: '9'.repeat(30) } }).success,
    ).toBe(true);
  });

  it('rejects a window that ends before it starts', () => {
    expect(aggregateRecordSchema.safeParse({ ...record('x'), window: { startMs: 10, endMs: 10 } }).success).toBe(false);
  });
});

describe('merging partial aggregates', () => {
  it('adds tools and policies named like Object.prototype members as names (constructor, toString)', () => {
    const from = emptyCounts();
    from.tools = { constructor: { calls: 2, successes: 1 } };
    from.safety = { blocked: { constructor: 2, toString: 1 } };
    const merged = mergeCounts(mergeCounts(emptyCounts(), from), from);
    expect(merged.tools.constructor).toEqual({ calls: 4, successes: 2 });
    expect(merged.safety.blocked).toEqual({ constructor: 4, toString: 2 });
  });

  it('adds every count, so ratios over merged partials equal ratios over all the data', () => {
    const a = record('otlp_spans/0', {
      workflows: { success: 3, failure: 1, handoff: 0, abandoned: 0 },
      workflowsWithFallback: 1,
      workflowCost: { picoUsd: '1000000000000', pricedCalls: 4, unpricedCalls: 1 },
      tools: { search: { calls: 10, successes: 9 } },
      models: {
        'openai/gpt-4o': {
          provider: 'openai',
          model: 'gpt-4o',
          calls: 4,
          errors: 0,
          tokens: { input: 100, output: 50, cacheRead: 10, reasoning: 0 },
          cost: { picoUsd: '1000000000000', pricedCalls: 4, unpricedCalls: 0 },
        },
      },
      fallbacks: 2,
      safety: { fallback: { 'model-timeout': 2 } },
    });
    const b = record('otlp_spans/1', {
      workflows: { success: 1, failure: 0, handoff: 1, abandoned: 0 },
      workflowCost: { picoUsd: '500000000000', pricedCalls: 1, unpricedCalls: 0 },
      tools: { search: { calls: 10, successes: 1 }, refund: { calls: 1, successes: 1 } },
      models: {
        'openai/gpt-4o': {
          provider: 'openai',
          model: 'gpt-4o',
          calls: 1,
          errors: 1,
          tokens: { input: 1, output: 2, cacheRead: 3, reasoning: 4 },
          cost: { picoUsd: '500000000000', pricedCalls: 1, unpricedCalls: 0 },
        },
      },
      safety: { fallback: { 'model-timeout': 1 }, blocked: { pii: 1 } },
    });
    const merged = mergeCounts(mergeCounts(emptyCounts(), a), b);
    expect(merged.workflows).toEqual({ success: 4, failure: 1, handoff: 1, abandoned: 0 });
    expect(merged.workflowCost).toEqual({ picoUsd: '1500000000000', pricedCalls: 5, unpricedCalls: 1 });
    expect(merged.tools).toEqual({ search: { calls: 20, successes: 10 }, refund: { calls: 1, successes: 1 } });
    expect(merged.models['openai/gpt-4o']?.tokens).toEqual({ input: 101, output: 52, cacheRead: 13, reasoning: 4 });
    expect(merged.models['openai/gpt-4o']?.errors).toBe(1);
    expect(merged.safety).toEqual({ fallback: { 'model-timeout': 3 }, blocked: { pii: 1 } });
    expect(merged.fallbacks).toBe(2);
  });

  it('does not alias the source: later merges leave the partials untouched', () => {
    const a = record('s0', { tools: { search: { calls: 1, successes: 1 } } });
    const merged = mergeCounts(emptyCounts(), a);
    mergeCounts(merged, a);
    expect(a.tools.search).toEqual({ calls: 1, successes: 1 });
    expect(merged.tools.search).toEqual({ calls: 2, successes: 2 });
  });
});
