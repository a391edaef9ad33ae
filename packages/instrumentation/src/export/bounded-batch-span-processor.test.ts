import { ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { BoundedBatchSpanProcessor } from './bounded-batch-span-processor.ts';
import { emptyExportStats } from './export-stats.ts';

function setup(exporter: SpanExporter, maxQueueSize: number, exportTimeoutMillis = 50, scheduledDelayMillis = 60_000) {
  const stats = emptyExportStats();
  const processor = new BoundedBatchSpanProcessor(
    exporter,
    { maxQueueSize, maxExportBatchSize: maxQueueSize, scheduledDelayMillis, exportTimeoutMillis },
    stats,
  );
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('t');
  const emit = (n: number) => {
    for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end();
  };
  return { stats, processor, emit };
}

describe('BoundedBatchSpanProcessor', () => {
  it('exports everything on flush and counts it', async () => {
    const got: ReadableSpan[] = [];
    const { stats, processor, emit } = setup(
      {
        export: (spans, cb) => {
          got.push(...spans);
          cb({ code: ExportResultCode.SUCCESS });
        },
        shutdown: async () => {},
      },
      100,
    );
    emit(30);
    await processor.forceFlush();
    expect(got).toHaveLength(30);
    expect(stats).toMatchObject({ spansExported: 30, spansDropped: 0, spansFailed: 0, spansQueued: 0 });
  });

  it('drops and counts spans beyond the queue bound while an export hangs, and times the hung export out', async () => {
    let calls = 0;
    // A collector that accepts the connection and never answers.
    const { stats, processor, emit } = setup({ export: () => void calls++, shutdown: async () => {} }, 10);
    emit(10); // fills the queue; the full batch starts exporting (and hangs)
    emit(25); // queue refills to 10, the other 15 are dropped
    expect(stats.spansDropped).toBe(15);
    expect(stats.spansQueued).toBe(10);
    await processor.forceFlush();
    expect(calls).toBe(2);
    expect(stats.spansFailed).toBe(20);
    expect(stats.exportsFailed).toBe(2);
    expect(stats.spansExported).toBe(0);
  });

  it('counts a failed export and an exporter that throws', async () => {
    let n = 0;
    const { stats, processor, emit } = setup(
      {
        export: (_spans, cb) => {
          n++;
          if (n === 1) cb({ code: ExportResultCode.FAILED, error: new Error('503') });
          else throw new Error('exporter bug');
        },
        shutdown: async () => {},
      },
      5,
    );
    emit(5);
    await processor.forceFlush();
    emit(5);
    await processor.forceFlush();
    expect(stats.spansFailed).toBe(10);
    expect(stats.exportsFailed).toBe(2);
  });

  it('drops spans ended after shutdown and counts them', async () => {
    const { stats, processor, emit } = setup(
      { export: (_s, cb) => cb({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} },
      5,
    );
    await processor.shutdown();
    emit(3);
    expect(stats.spansDropped).toBe(3);
  });

  it('exports the spans that end while shutdown flushes, leaving nothing queued', async () => {
    const got: ReadableSpan[] = [];
    let endDuringExport = 3;
    // The collector answers after a while; each of the first three exports sees one more span end meanwhile,
    // more than the flush's rounds (one per batch queued when it began, plus one) take.
    const { stats, processor, emit } = setup(
      {
        export: (spans, cb) => {
          got.push(...spans);
          if (endDuringExport-- > 0) emit(1);
          setTimeout(() => cb({ code: ExportResultCode.SUCCESS }), 5);
        },
        shutdown: async () => {},
      },
      2,
      1_000,
    );
    emit(2); // a full batch: its export starts at once
    await processor.shutdown();
    expect(got).toHaveLength(5);
    expect(stats).toMatchObject({ spansExported: 5, spansDropped: 0, spansFailed: 0, spansQueued: 0 });
  });

  it('exports what a flush left queued on the timer, without waiting for another span', async () => {
    let endDuringExport = 2;
    const { stats, processor, emit } = setup(
      {
        export: (_spans, cb) => {
          if (endDuringExport-- > 0) emit(1);
          setTimeout(() => cb({ code: ExportResultCode.SUCCESS }), 30);
        },
        shutdown: async () => {},
      },
      100,
      1_000,
      5,
    );
    emit(1);
    // The flush exports two batches; the timer of the span that ends during the second fires mid-export.
    await processor.forceFlush();
    await vi.waitFor(() => expect(stats).toMatchObject({ spansExported: 3, spansQueued: 0 }), { timeout: 2_000 });
  });
});
