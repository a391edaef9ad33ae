import type { AggregateRecord } from '@telltale/conventions';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { RuleStatus } from '../engine/alert-engine.ts';
import type { AlertInstance } from '../engine/alert-instance.ts';
import type { WindowedCounts } from '../rules/conditions/condition.ts';
import type { ApplyOutcome } from '../store/window-store.ts';
import { type AggregateCounterOptions, AggregateCounters } from './aggregate-counters.ts';
import type { DeliveryMetrics } from './delivery-metrics.ts';
import { registerRatioGauges } from './ratio-gauges.ts';

/** Labels of the alert state gauges: the rule name and severity, and the dimensions rules group by. */
const ALERT_LABELS = ['alertname', 'severity', 'service', 'workflow', 'tenant', 'tool', 'kind', 'policy'] as const;

export interface AlertMetricsOptions extends AggregateCounterOptions {
  /** The recent window of the ratio gauges, in ms, and as text for their help. */
  ratioWindowMs: number;
  ratioWindow: string;
  /** What the gauges read at each scrape. */
  sources: {
    store: WindowedCounts & {
      stats(): { ids: number; series: number; overflowed: number };
      readonly newestWindowEndMs: number | null;
    };
    alerts(): AlertInstance[];
    rules(): RuleStatus[];
    evaluatedAt(): number | null;
    pendingDeliveries(): number;
  };
  /** Process metrics (CPU, memory, event loop) under telltale_alerts_. Default true. */
  defaultMetrics?: boolean;
  now?: () => number;
}

export type AggregateOutcome = ApplyOutcome | 'invalid';

/**
 * Every metric the service exposes on /metrics, in one registry, all named
 * `telltale_*`: the counters fed from aggregates, the ratio gauges over a
 * recent window, the alert state, and the service's own health.
 */
export class AlertMetrics implements DeliveryMetrics {
  readonly registry = new Registry();
  readonly #counters: AggregateCounters;
  readonly #aggregates: Counter<'outcome'>;
  readonly #attempts: Counter<'channel'>;
  readonly #failures: Counter<'channel'>;
  readonly #deliveries: Counter<'channel'>;

  constructor(options: AlertMetricsOptions) {
    const registers = [this.registry];
    const now = options.now ?? Date.now;
    const src = options.sources;
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'telltale_alerts_' });
      // Gauges prom-client names *_total, which Prometheus reserves for counters (promtool rejects them).
      for (const name of [
        'nodejs_active_handles_total',
        'nodejs_active_requests_total',
        'nodejs_active_resources_total',
      ])
        this.registry.removeSingleMetric(`telltale_alerts_${name}`);
    }
    this.#counters = new AggregateCounters(this.registry, options);
    registerRatioGauges(this.registry, src.store, options.ratioWindowMs, options.ratioWindow, now);

    const alertGauge = (state: AlertInstance['state']) =>
      new Gauge({
        name: `telltale_alerts_${state}`,
        help: `Alert instances ${state === 'firing' ? 'firing' : 'pending (condition holds, `for` not yet over)'}: 1 per rule and label set.`,
        labelNames: ALERT_LABELS,
        registers,
        collect() {
          this.reset();
          for (const a of src.alerts()) {
            if (a.state !== state) continue;
            const labels: Record<string, string> = { alertname: a.rule, severity: a.severity };
            for (const l of ALERT_LABELS) if (a.groupLabels[l] !== undefined) labels[l] = a.groupLabels[l] as string;
            this.set(labels, 1);
          }
        },
      });
    alertGauge('firing');
    alertGauge('pending');

    this.#aggregates = new Counter({
      name: 'telltale_alerts_aggregates_total',
      help: 'Aggregates received, by outcome: applied, duplicate (id already applied), too_old, too_new, invalid.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['applied', 'duplicate', 'too_old', 'too_new', 'invalid'])
      this.#aggregates.inc({ outcome }, 0);
    this.#attempts = new Counter({
      name: 'telltale_alerts_notification_attempts_total',
      help: 'Notification delivery attempts (each retry counts), by channel.',
      labelNames: ['channel'],
      registers,
    });
    this.#failures = new Counter({
      name: 'telltale_alerts_notification_failures_total',
      help: 'Notifications a channel failed to deliver after its retries, by channel.',
      labelNames: ['channel'],
      registers,
    });
    this.#deliveries = new Counter({
      name: 'telltale_alerts_notifications_total',
      help: 'Notifications handed to a channel (delivered or failed), by channel.',
      labelNames: ['channel'],
      registers,
    });
    new Gauge({
      name: 'telltale_alerts_pending_deliveries',
      help: 'Notifications still owed to a channel (failed and awaiting a retry).',
      registers,
      collect() {
        this.set(src.pendingDeliveries());
      },
    });
    new Gauge({
      name: 'telltale_alerts_rule_healthy',
      help: 'Whether the rule evaluated without error last time (1) or not (0).',
      labelNames: ['rule'],
      registers,
      collect() {
        this.reset();
        for (const r of src.rules()) this.set({ rule: r.rule.name }, r.health === 'error' ? 0 : 1);
      },
    });
    new Gauge({
      name: 'telltale_alerts_last_evaluation_timestamp_seconds',
      help: 'When the rules were last evaluated, Unix seconds.',
      registers,
      collect() {
        const t = src.evaluatedAt();
        if (t !== null) this.set(t / 1000);
      },
    });
    new Gauge({
      name: 'telltale_alerts_newest_window_end_timestamp_seconds',
      help: 'End of the newest aggregate window applied, Unix seconds: alert on time() minus it to catch a stalled pipeline.',
      registers,
      collect() {
        const t = src.store.newestWindowEndMs;
        if (t !== null) this.set(t / 1000);
      },
    });
    new Gauge({
      name: 'telltale_alerts_store_series',
      help: 'Series (service, workflow, tenant) held in the window store.',
      registers,
      collect() {
        this.set(src.store.stats().series);
      },
    });
    new Gauge({
      name: 'telltale_alerts_store_applied_ids',
      help: 'Aggregate ids remembered for exactly-once application.',
      registers,
      collect() {
        this.set(src.store.stats().ids);
      },
    });
    const counters = this.#counters;
    let seenOverflow = 0;
    new Counter({
      name: 'telltale_alerts_label_overflow_total',
      help: 'Label values counted as __overflow__ because a cardinality cap was reached.',
      registers,
      collect() {
        const n = counters.overflowed() + src.store.stats().overflowed;
        if (n > seenOverflow) this.inc(n - seenOverflow);
        seenOverflow = n;
      },
    });
  }

  /** Counts one received aggregate by outcome, and feeds the counters when it was applied. */
  recordAggregate(outcome: AggregateOutcome, aggregate?: AggregateRecord): void {
    this.#aggregates.inc({ outcome });
    if (outcome === 'applied' && aggregate) this.#counters.add(aggregate);
  }

  recordDelivery(channel: string, ok: boolean, attempts: number): void {
    this.#deliveries.inc({ channel });
    this.#attempts.inc({ channel }, attempts);
    if (!ok) this.#failures.inc({ channel });
  }

  /** The exposition text for /metrics. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
