import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { EngineCounters } from '../engine/counters.ts';
import { INVALID_FIELDS } from '../engine/counters.ts';
import { OVERFLOW_REASONS } from '../windows/overflow.ts';

/**
 * The processor's own Prometheus metrics. Engine counts live in one shared
 * EngineCounters object (engines know nothing of prom-client); the counters
 * here catch up with it on every scrape.
 */
export class ProcessorMetrics {
  readonly registry = new Registry();
  readonly records: Counter;
  readonly dlqRecords: Counter<'reason'>;
  readonly commits: Counter;
  readonly ticks: Counter;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly #gauges: { traces: () => number; windows: () => number } = { traces: () => 0, windows: () => 0 };

  constructor(counters: EngineCounters, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'telltale_processor_' });
    const synced = (name: string, help: string, read: () => number): void => {
      let seen = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read();
          if (now > seen) this.inc(now - seen);
          seen = now;
        },
      });
    };
    synced('telltale_processor_spans_total', 'Spans decoded and fed to the engine.', () => counters.spans);
    synced(
      'telltale_processor_late_spans_total',
      'Spans that arrived after their window closed (dropped from aggregates).',
      () => counters.lateSpans,
    );
    synced(
      'telltale_processor_late_workflows_total',
      'Workflow contributions whose window was closed early by the open-window cap.',
      () => counters.lateWorkflows,
    );
    synced(
      'telltale_processor_orphan_traces_total',
      'Traces that expired without a workflow span.',
      () => counters.orphanTraces,
    );
    synced(
      'telltale_processor_replay_suppressed_total',
      'Contributions a replay dropped because their window was already emitted.',
      () => counters.replaySuppressed,
    );
    synced('telltale_processor_aggregates_total', 'Aggregate records emitted.', () => counters.aggregates);
    synced('telltale_processor_safety_events_total', 'Safety event records emitted.', () => counters.safetyEvents);
    const seenOverflow = Object.fromEntries(OVERFLOW_REASONS.map((r) => [r, 0]));
    new Counter({
      name: 'telltale_processor_overflow_total',
      help: 'Values folded into __overflow__ or contributions past a cap, by reason.',
      labelNames: ['reason'],
      registers,
      collect() {
        for (const r of OVERFLOW_REASONS) {
          const now = counters.overflow[r];
          this.inc({ reason: r }, now - (seenOverflow[r] ?? 0));
          seenOverflow[r] = now;
        }
      },
    });
    const seenInvalid = Object.fromEntries(INVALID_FIELDS.map((f) => [f, 0]));
    new Counter({
      name: 'telltale_processor_invalid_values_total',
      help: 'Attribute values outside their vocabulary, by field.',
      labelNames: ['field'],
      registers,
      collect() {
        for (const f of INVALID_FIELDS) {
          const now = counters.invalid[f];
          this.inc({ field: f }, now - (seenInvalid[f] ?? 0));
          seenInvalid[f] = now;
        }
      },
    });
    this.records = new Counter({
      name: 'telltale_processor_records_total',
      help: 'Input records read (Kafka records or OTLP/HTTP requests).',
      registers,
    });
    this.dlqRecords = new Counter({
      name: 'telltale_processor_dlq_records_total',
      help: 'Undecodable input records sent to the DLQ.',
      labelNames: ['reason'],
      registers,
    });
    this.commits = new Counter({
      name: 'telltale_processor_commits_total',
      help: 'Offset commits (with their checkpoint).',
      registers,
    });
    this.ticks = new Counter({
      name: 'telltale_processor_idle_ticks_total',
      help: 'Stream-time ticks written into quiet input partitions so their open windows close.',
      registers,
    });
    this.lag = new Gauge({
      name: 'telltale_processor_consumer_lag',
      help: 'Records between the last one processed and the partition high watermark.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    const gauges = this.#gauges;
    new Gauge({
      name: 'telltale_processor_open_traces',
      help: 'Traces held for the join.',
      registers,
      collect() {
        this.set(gauges.traces());
      },
    });
    new Gauge({
      name: 'telltale_processor_open_windows',
      help: 'Windows open across the shards this process owns.',
      registers,
      collect() {
        this.set(gauges.windows());
      },
    });
  }

  /** Where the open-state gauges read from (the transport knows its engines). */
  observeOpenState(traces: () => number, windows: () => number): void {
    this.#gauges.traces = traces;
    this.#gauges.windows = windows;
  }

  /** DLQ reason label: the decoder's reason up to its first colon, so label values stay few. */
  static dlqReasonLabel(reason: string): string {
    const head = reason.split(':')[0]?.trim() ?? 'unknown';
    return head.length > 40 ? head.slice(0, 40) : head || 'unknown';
  }
}
