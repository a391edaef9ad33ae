import { describe, expect, it } from 'vitest';
import { aggregate } from '../../test/aggregates.ts';
import { WindowStore } from '../store/window-store.ts';
import { AlertMetrics } from './alert-metrics.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function metricsWith(tenantLabel: boolean) {
  const store = new WindowStore({
    lookbackMs: 3_600_000,
    marginMs: 600_000,
    limits: { services: 10, workflows: 10, tenants: 10, tools: 10, keys: 100 },
  });
  const metrics = new AlertMetrics({
    tenantLabel,
    maxTenants: 2,
    limits: { services: 10, workflows: 10, tools: 10, models: 10, policies: 10 },
    ratioWindowMs: 300_000,
    ratioWindow: '5m',
    sources: {
      store,
      alerts: () => [],
      rules: () => [],
      evaluatedAt: () => T0,
      pendingDeliveries: () => 0,
    },
    defaultMetrics: false,
    now: () => T0 + 60_000,
  });
  for (const tenant of ['acme', 'globex', 'initech']) {
    const a = aggregate({ startMs: T0, key: { tenant }, workflows: { success: 3, failure: 1 }, costUsd: 0.3 });
    metrics.recordAggregate(store.apply(a, T0 + 10_000), a);
  }
  return metrics;
}

describe('the alert service metrics', () => {
  it('have no tenant label by default: tenants add up in one series', async () => {
    const text = await metricsWith(false).metrics();
    expect(text).toContain('telltale_workflow_runs_total{service="support",workflow="refund",outcome="success"} 9');
    expect(text).not.toMatch(/tenant=/);
  });

  it('label tenants when asked, capped, the rest under __overflow__', async () => {
    const text = await metricsWith(true).metrics();
    expect(text).toContain(
      'telltale_workflow_runs_total{service="support",workflow="refund",tenant="acme",outcome="success"} 3',
    );
    expect(text).toContain(
      'telltale_workflow_runs_total{service="support",workflow="refund",tenant="globex",outcome="success"} 3',
    );
    expect(text).toContain(
      'telltale_workflow_runs_total{service="support",workflow="refund",tenant="__overflow__",outcome="success"} 3',
    );
    expect(text).not.toContain('initech');
    expect(text).toMatch(
      /telltale_workflow_cost_usd_total\{service="support",workflow="refund",tenant="acme"\} 0\.3\n/,
    );
    expect(text).toMatch(/telltale_alerts_label_overflow_total 1\n/);
  });

  it('compute the ratio gauges from the store over the recent window', async () => {
    const text = await metricsWith(false).metrics();
    expect(text).toContain('telltale_workflow_cost_per_success_usd{service="support",workflow="refund"} 0.1');
    expect(text).toContain('telltale_workflow_handoff_ratio{service="support",workflow="refund"} 0');
    expect(text).toContain(`telltale_alerts_newest_window_end_timestamp_seconds ${(T0 + 10_000) / 1000}`);
  });

  it('count deliveries, attempts and failures per channel', async () => {
    const m = metricsWith(false);
    m.recordDelivery('pd', true, 1);
    m.recordDelivery('pd', false, 4);
    const text = await m.metrics();
    expect(text).toContain('telltale_alerts_notifications_total{channel="pd"} 2');
    expect(text).toContain('telltale_alerts_notification_attempts_total{channel="pd"} 5');
    expect(text).toContain('telltale_alerts_notification_failures_total{channel="pd"} 1');
  });
});
