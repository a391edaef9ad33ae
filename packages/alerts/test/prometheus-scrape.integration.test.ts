import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { picoToUsd } from '@telltale/conventions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, startPrometheus, waitUntil } from '../../../test/infra/index.ts';
import { createAlertService, type RunningAlertService } from '../src/service/create.ts';
import { workload } from './workload.ts';

describe('the real Prometheus scraping /metrics', () => {
  let dir: string;
  let service: RunningAlertService;
  let prometheus: RunningPrometheus;
  const { records, totals } = workload(7, Date.now(), 30);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-alerts-prom-'));
    service = await createAlertService({
      kafka: { enabled: false },
      server: { host: '127.0.0.1', port: 0 },
      state: { dir },
      log: { level: 'warn' },
    });
    for (const r of records) expect(service.apply(r).outcome).toBe('applied');
    // a replay of everything: duplicates, counted and ignored
    for (const r of records) expect(service.apply(r).outcome).toBe('duplicate');
    prometheus = await startPrometheus({
      config: [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: telltale-alerts',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${service.port}']`,
      ].join('\n'),
    });
    await waitUntil(
      async () => {
        const r = await prometheus.query('telltale_alerts_aggregates_total{outcome="applied"}');
        return r[0]?.value[1] === String(records.length);
      },
      { what: 'Prometheus scraping the alert service', timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const scalar = async (promql: string): Promise<number> => {
    const r = await prometheus.query(promql);
    expect(r, promql).toHaveLength(1);
    return Number(r[0]?.value[1]);
  };
  const byLabel = async (promql: string, label: string): Promise<Record<string, number>> =>
    Object.fromEntries((await prometheus.query(promql)).map((s) => [s.metric[label] ?? '', Number(s.value[1])]));

  it('counts every workflow run by outcome, once', async () => {
    expect(await byLabel('sum by (outcome) (telltale_workflow_runs_total)', 'outcome')).toEqual(totals.workflows);
    expect(await scalar('sum(telltale_workflows_with_fallback_total)')).toBe(totals.workflowsWithFallback);
    expect(await scalar('sum(telltale_fallbacks_total)')).toBe(totals.fallbacks);
    expect(await scalar('telltale_alerts_aggregates_total{outcome="duplicate"}')).toBe(records.length);
  });

  it('counts tool calls by tool and outcome', async () => {
    for (const [tool, t] of Object.entries(totals.tools)) {
      expect(await scalar(`sum(telltale_tool_calls_total{tool="${tool}",outcome="success"})`)).toBe(t.successes);
      expect(await scalar(`sum(telltale_tool_calls_total{tool="${tool}",outcome="error"})`)).toBe(
        t.calls - t.successes,
      );
    }
  });

  it('counts tokens by model and type, model calls, unpriced calls, and cost in USD', async () => {
    for (const m of Object.values(totals.models)) {
      const sel = `provider="${m.provider}",model="${m.model}"`;
      expect(await byLabel(`sum by (type) (telltale_model_tokens_total{${sel}})`, 'type')).toEqual({
        input: m.tokens.input,
        output: m.tokens.output,
        cache_read: m.tokens.cacheRead,
        reasoning: m.tokens.reasoning,
      });
      expect(await scalar(`sum(telltale_model_calls_total{${sel}})`)).toBe(m.calls);
      expect(await scalar(`sum(telltale_model_unpriced_calls_total{${sel}})`)).toBe(m.cost.unpricedCalls);
      expect(await scalar(`sum(telltale_model_cost_usd_total{${sel}})`)).toBeCloseTo(picoToUsd(m.cost.picoUsd), 9);
    }
    expect(await scalar('sum(telltale_workflow_cost_usd_total)')).toBeCloseTo(
      picoToUsd(totals.workflowCost.picoUsd),
      9,
    );
  });

  it('counts safety events by kind and policy', async () => {
    expect(await scalar('sum(telltale_safety_events_total{kind="blocked",policy="pii"})')).toBe(
      totals.safety.blocked?.pii,
    );
    expect(await scalar('sum(telltale_safety_events_total{kind="escalated",policy="refund_limit"})')).toBe(
      totals.safety.escalated?.refund_limit,
    );
  });

  it('serves the ratio gauges over the recent window', async () => {
    const ratios = await byLabel('telltale_tool_success_ratio{service="support"}', 'tool');
    expect(Object.keys(ratios).sort()).toEqual(['crm_lookup', 'refund_api', 'web_search']);
    for (const v of Object.values(ratios)) expect(v).toBeGreaterThan(0.5);
    expect(await scalar('count(telltale_workflow_cost_per_success_usd)')).toBe(3);
  });
});
