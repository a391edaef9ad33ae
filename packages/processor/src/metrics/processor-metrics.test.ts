import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { modelSpan, span, toolSpan } from '../../test/spans.ts';
import { PriceTable } from '../cost/price-table.ts';
import { newCounters } from '../engine/counters.ts';
import { Engine } from '../engine/engine.ts';
import { startHealthServer } from './health-server.ts';
import { ProcessorMetrics } from './processor-metrics.ts';

function metricValue(text: string, line: string): number | undefined {
  const m = text.split('\n').find((l) => l.startsWith(`${line} `));
  return m === undefined ? undefined : Number(m.slice(line.length + 1));
}

describe('processor metrics', () => {
  it('expose the engine counters, overflow by reason and open state, and pass promtool check metrics', async () => {
    const counters = newCounters();
    const metrics = new ProcessorMetrics(counters, { defaultMetrics: false });
    const engine = new Engine({ shard: 's/0', prices: new PriceTable([]), counters, limits: { tenants: 1 } });
    metrics.observeOpenState(
      () => engine.openTraces,
      () => engine.openWindows,
    );
    engine.process([toolSpan({ tenant: 'a' }), toolSpan({ tenant: 'b' }), modelSpan()], 0n);
    engine.process([span({ endTimeMs: 100_000 })], 1n);
    engine.process([toolSpan({ endTimeMs: 1_000 })], 2n);
    metrics.dlqRecords.inc({ reason: ProcessorMetrics.dlqReasonLabel('protobuf: truncated varint at byte 3') });
    const text = await metrics.registry.metrics();
    expect(metricValue(text, 'telltale_processor_spans_total')).toBe(5);
    expect(metricValue(text, 'telltale_processor_late_spans_total')).toBe(1);
    expect(metricValue(text, 'telltale_processor_overflow_total{reason="tenant"}')).toBe(2);
    expect(metricValue(text, 'telltale_processor_dlq_records_total{reason="protobuf"}')).toBe(1);
    expect(metricValue(text, 'telltale_processor_open_traces')).toBe(1);
    // A second scrape adds nothing that did not happen in between.
    expect(metricValue(await metrics.registry.metrics(), 'telltale_processor_spans_total')).toBe(5);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.error, 'promtool on PATH').toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });

  it('serve /healthz always and /readyz only when ready', async () => {
    let ready = false;
    const metrics = new ProcessorMetrics(newCounters(), { defaultMetrics: false });
    const server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      registry: metrics.registry,
      ready: () => ready,
    });
    try {
      const get = (path: string) => fetch(`http://127.0.0.1:${server.port}${path}`).then((r) => r.status);
      expect(await get('/healthz')).toBe(200);
      expect(await get('/readyz')).toBe(503);
      ready = true;
      expect(await get('/readyz')).toBe(200);
      expect(await get('/metrics')).toBe(200);
      expect(await get('/nope')).toBe(404);
    } finally {
      await server.close();
    }
  });
});
