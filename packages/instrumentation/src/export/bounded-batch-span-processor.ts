/**
 * A batch span processor whose every outcome is counted. The queue is bounded:
 * when the collector is slow or dead, new spans are dropped (and counted)
 * instead of growing memory or blocking the host. One export runs at a time,
 * each under a timeout, outside any tracing context so the exporter's own HTTP
 * calls are never traced.
 */
import { type Context, context, diag, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ExportStats } from './export-stats.ts';

export interface BoundedBatchOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

export class BoundedBatchSpanProcessor implements SpanProcessor {
  private readonly exporter: SpanExporter;
  private readonly options: BoundedBatchOptions;
  private readonly stats: ExportStats;
  private queue: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  private isShutdown = false;
  private reportedDrop = false;

  constructor(exporter: SpanExporter, options: BoundedBatchOptions, stats: ExportStats) {
    this.exporter = exporter;
    this.options = options;
    this.stats = stats;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.isShutdown || this.queue.length >= this.options.maxQueueSize) {
      this.stats.spansDropped++;
      if (!this.reportedDrop) {
        this.reportedDrop = true;
        diag.warn('telltale: span queue full, dropping spans (counted in stats().spansDropped)');
      }
      return;
    }
    this.queue.push(span);
    this.stats.spansQueued = this.queue.length;
    if (this.queue.length >= this.options.maxExportBatchSize) this.exportSoon();
    else this.startTimer();
  }

  async forceFlush(): Promise<void> {
    this.clearTimer();
    // Bounded: each round takes a batch, so this ends even if spans keep coming.
    let rounds = Math.ceil(this.queue.length / this.options.maxExportBatchSize) + 1;
    while (rounds-- > 0) {
      if (this.exporting !== undefined) await this.exporting;
      if (this.queue.length === 0) break;
      await this.exportOneBatch();
    }
  }

  async shutdown(): Promise<void> {
    if (this.isShutdown) return;
    await this.forceFlush();
    // Spans that ended while that flush ran are still queued; none are taken from now on, so this drains them.
    this.isShutdown = true;
    await this.forceFlush();
    this.clearTimer();
    try {
      await this.exporter.shutdown();
    } catch (err) {
      diag.debug('telltale: exporter shutdown failed', err);
    }
  }

  private exportSoon(): void {
    this.clearTimer();
    // An export under way re-arms the timer when it settles (exportOneBatch).
    if (this.exporting !== undefined) return;
    void this.exportOneBatch();
  }

  private startTimer(): void {
    if (this.timer !== undefined || this.isShutdown) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.exportSoon();
    }, this.options.scheduledDelayMillis);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private exportOneBatch(): Promise<void> {
    if (this.exporting !== undefined) return this.exporting;
    const batch = this.queue.splice(0, this.options.maxExportBatchSize);
    this.stats.spansQueued = this.queue.length;
    if (batch.length === 0) return Promise.resolve();
    let settled = false;
    const exporting = new Promise<void>((resolve) => {
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (ok) this.stats.spansExported += batch.length;
        else {
          this.stats.spansFailed += batch.length;
          this.stats.exportsFailed++;
        }
        this.exporting = undefined;
        // Whoever started this export (the timer, a full batch, a flush), what is left must not wait for the next span.
        if (this.queue.length > 0) this.startTimer();
        resolve();
      };
      const timeout = setTimeout(() => settle(false), this.options.exportTimeoutMillis);
      timeout.unref();
      const doExport = (): void =>
        context.with(suppressTracing(context.active()), () => {
          try {
            this.exporter.export(batch, (result) => {
              if (result.code !== ExportResultCode.SUCCESS) diag.debug('telltale: span export failed', result.error);
              settle(result.code === ExportResultCode.SUCCESS);
            });
          } catch (err) {
            diag.debug('telltale: span exporter threw', err);
            settle(false);
          }
        });
      // Resource detectors may still be resolving (host id); the exporter must see their attributes.
      const pending = batch.map((s) => s.resource).filter((r) => r.asyncAttributesPending);
      if (pending.length === 0) doExport();
      else {
        Promise.all(pending.map((r) => r.waitForAsyncAttributes?.())).then(doExport, () => settle(false));
      }
    });
    // An exporter may call back synchronously; only a pending export blocks the next one.
    if (!settled) this.exporting = exporting;
    return exporting;
  }
}
