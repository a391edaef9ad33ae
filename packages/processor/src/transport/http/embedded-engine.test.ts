import { aggregateRecordSchema } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { emitWithOtelJs } from '../../../test/fixtures/otel-js-traces.ts';
import { PriceTable, shippedPriceEntries } from '../../cost/price-table.ts';
import { Engine } from '../../engine/engine.ts';
import { startOtlpHttpReceiver } from './receiver.ts';

/**
 * The embedded flow end to end: the real OpenTelemetry JS exporter → this
 * receiver → the engine. What the decoder hands over must be what the engine
 * classifies: the workflow, its model spend, the failed tool call and the
 * fallback all land in the aggregate of the workflow's key.
 */
describe('OTLP/HTTP receiver feeding the engine', () => {
  for (const encoding of ['proto', 'json'] as const) {
    it(`aggregates a real SDK trace sent as ${encoding}`, async () => {
      const engine = new Engine({ shard: 'embedded', prices: new PriceTable(shippedPriceEntries()) });
      let position = 0n;
      const receiver = await startOtlpHttpReceiver({ port: 0, sink: (spans) => engine.process(spans, position++) });
      try {
        await emitWithOtelJs(`${receiver.url}/v1/traces`, encoding, 'gzip');
      } finally {
        await receiver.close();
      }
      engine.flush();
      const { aggregates, safetyEvents } = engine.drain();
      for (const a of aggregates) expect(aggregateRecordSchema.safeParse(a).success).toBe(true);

      const mine = aggregates.filter((a) => a.key.workflow === 'answer');
      expect(mine).toHaveLength(1);
      const agg = mine[0]!;
      expect(agg.key).toEqual({ service: 'otel-js-app', workflow: 'answer', tenant: 'acme' });
      expect(agg.workflows).toEqual({ success: 1, failure: 0, handoff: 0, abandoned: 0 });
      expect(agg.workflowsWithFallback).toBe(1);
      expect(agg.fallbacks).toBe(1);
      expect(agg.tools).toEqual({ search: { calls: 1, successes: 0 } });
      expect(agg.models['openai/gpt-4o-2024-08-06']).toMatchObject({
        calls: 1,
        errors: 0,
        tokens: { input: 1234, output: 56, cacheRead: 1000, reasoning: 0 },
        cost: { picoUsd: '4321000000', pricedCalls: 1, unpricedCalls: 0 },
      });
      expect(agg.workflowCost).toEqual({ picoUsd: '4321000000', pricedCalls: 1, unpricedCalls: 0 });
      expect(safetyEvents).toHaveLength(1);
      expect(safetyEvents[0]).toMatchObject({
        kind: 'fallback',
        policy: 'model-down',
        action: 'switched',
        tenant: 'acme',
      });
    });
  }
});
