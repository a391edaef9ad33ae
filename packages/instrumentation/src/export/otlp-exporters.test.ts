import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseOptions } from '../options.ts';
import { batchOptions, createTraceExporter } from './otlp-exporters.ts';

let server: Server | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A collector that takes the request and never answers. */
async function hungCollector(): Promise<string> {
  server = createServer(() => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function oneSpan(): Promise<ReadableSpan> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  provider.getTracer('t').startSpan('s').end();
  await provider.forceFlush();
  const [span] = memory.getFinishedSpans();
  if (!span) throw new Error('no span');
  return span;
}

describe('the OTLP trace exporter', () => {
  it('gives up a hung request at OTEL_EXPORTER_OTLP_TRACES_TIMEOUT when that is shorter than the export timeout', async () => {
    const endpoint = await hungCollector();
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', '300');
    // Without the variable, this export would hold its slot for the full two minutes.
    const config = parseOptions({ endpoint, traces: { exportTimeoutMillis: 120_000 } }, (p) => {
      throw new Error(`${p.path}: ${p.message}`);
    });
    const exporter = createTraceExporter(config);
    const span = await oneSpan();
    const result = await new Promise<ExportResult>((resolve) => exporter.export([span], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/time/i);
    await exporter.shutdown();
  }, 30_000);
});

describe('the span queue settings', () => {
  it('leaves a batch or queue size of 0 from the environment to the default: a flush would never end', () => {
    vi.stubEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '0');
    vi.stubEnv('OTEL_BSP_MAX_QUEUE_SIZE', '0');
    const config = parseOptions({}, () => {});
    expect(batchOptions(config)).toMatchObject({ maxQueueSize: 2048, maxExportBatchSize: 512 });
    vi.stubEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '64');
    expect(batchOptions(config)).toMatchObject({ maxExportBatchSize: 64 });
  });
});
