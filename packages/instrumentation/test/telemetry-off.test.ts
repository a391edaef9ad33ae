/**
 * When telemetry is off (OTEL_SDK_DISABLED, or a start that failed) the calls
 * only run fn, and a later start after shutdown still works. Also: the diag
 * logger the options name stays in place whatever OTEL_LOG_LEVEL says.
 */
import { createRequire } from 'node:module';
import { type DiagLogger, diag } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { start, tool } from '../src/index.ts';
import { arrayExporter } from './harness.ts';

const require = createRequire(import.meta.url);
const httpRequestPatched = (): boolean => isWrapped((require('node:http') as typeof import('node:http')).request);

function collectingLogger(messages: string[]): DiagLogger {
  const keep = (m: string) => messages.push(m);
  return { error: keep, warn: keep, info: keep, debug: () => {}, verbose: () => {} };
}

/** A metric reader the SDK cannot register: start() fails after parsing its options. */
class BrokenReader extends MetricReader {
  override setMetricProducer(): void {
    throw new Error('this reader is broken');
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

const quiet = { metrics: { enabled: false }, logLevel: 'none' } as const;

describe('telemetry off', () => {
  it('OTEL_SDK_DISABLED: calls only run fn and no module is patched; after shutdown a start without it works', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const off = start(quiet);
    expect(tool('t', () => 7)).toBe(7);
    expect(httpRequestPatched()).toBe(false);
    await off.shutdown();

    delete process.env.OTEL_SDK_DISABLED;
    const exporter = arrayExporter();
    const on = start({ ...quiet, traceExporter: exporter, exportMode: 'simple' });
    try {
      expect(on).not.toBe(off);
      // The same check sees the http instrumentation's patch once the SDK is on.
      expect(httpRequestPatched()).toBe(true);
      tool('on', () => 1);
      await on.forceFlush();
      expect(exporter.spans.map((s) => s.name)).toEqual(['execute_tool on']);
    } finally {
      await on.shutdown();
    }
  });

  it('a start that fails returns a handle whose calls run fn; after its shutdown a later start works', async () => {
    const messages: string[] = [];
    const failed = start({
      instrumentations: { http: false, express: false, undici: false },
      metrics: { enabled: true, hostMetrics: false, runtimeMetrics: false },
      metricReader: new BrokenReader(),
      diagLogger: collectingLogger(messages),
      logLevel: 'warn',
    });
    expect(messages.some((m) => m.includes('could not start the SDK'))).toBe(true);
    expect(tool('t', () => 3)).toBe(3);
    expect(start(quiet)).toBe(failed);
    await failed.shutdown();

    const exporter = arrayExporter();
    const fresh = start({
      ...quiet,
      instrumentations: { http: false, express: false, undici: false },
      traceExporter: exporter,
      exportMode: 'simple',
    });
    try {
      expect(fresh).not.toBe(failed);
      tool('fresh', () => 1);
      await fresh.forceFlush();
      expect(exporter.spans.map((s) => s.name)).toEqual(['execute_tool fresh']);
    } finally {
      await fresh.shutdown();
    }
  });
});

describe('diag logger', () => {
  it('stays the one the options name, at their level, when OTEL_LOG_LEVEL is set too', async () => {
    process.env.OTEL_LOG_LEVEL = 'debug';
    const messages: string[] = [];
    const telltale = start({
      ...quiet,
      instrumentations: { http: false, express: false, undici: false },
      traceExporter: arrayExporter(),
      diagLogger: collectingLogger(messages),
      logLevel: 'warn',
    });
    try {
      diag.warn('probe: warn');
      diag.info('probe: info');
      expect(messages).toContain('probe: warn');
      expect(messages).not.toContain('probe: info');
    } finally {
      await telltale.shutdown();
    }
  });
});
