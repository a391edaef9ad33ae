import { describe, expect, it } from 'vitest';
import { start, stats, tool } from '../src/index.ts';
import { arrayExporter } from './harness.ts';

const quiet = {
  metrics: { enabled: false },
  instrumentations: { http: false, express: false, undici: false },
  logLevel: 'none',
} as const;

describe('start and shutdown', () => {
  it('shutdown flushes what the batch queue still holds', async () => {
    const exporter = arrayExporter();
    const telltale = start({ ...quiet, traceExporter: exporter, traces: { scheduledDelayMillis: 60_000 } });
    for (let i = 0; i < 7; i++) tool('t', () => i);
    expect(exporter.spans).toHaveLength(0);
    await telltale.shutdown();
    expect(exporter.spans).toHaveLength(7);
    expect(telltale.stats().spansExported).toBe(7);
  });

  it('returns the running instance on a second start, and starts afresh after shutdown', async () => {
    const first = start({ ...quiet, traceExporter: arrayExporter() });
    expect(start({ ...quiet, traceExporter: arrayExporter() })).toBe(first);
    await first.shutdown();
    const exporter = arrayExporter();
    const second = start({ ...quiet, traceExporter: exporter, exportMode: 'simple' });
    expect(second).not.toBe(first);
    tool('after_restart', () => 1);
    await second.forceFlush();
    expect(exporter.spans.map((s) => s.name)).toEqual(['execute_tool after_restart']);
    expect(stats().spansExported).toBe(1);
    await second.shutdown();
  });
});
