import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertService, type RunningAlertService } from '../src/service/create.ts';
import { promtoolCheckMetrics } from './promtool-check.ts';
import { workload } from './workload.ts';

describe('the /metrics exposition under the real promtool', () => {
  let dir: string;
  let service: RunningAlertService;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-alerts-lint-'));
    // a rule that fires on the workload, so the alert state gauges have series too
    await writeFile(
      join(dir, 'rules.yaml'),
      'rules: [{ name: AnyHandoff, kind: handoff_rate, threshold: 0, window: 5m, min_volume: 1, severity: info }]',
    );
    service = await createAlertService({
      kafka: { enabled: false },
      server: { host: '127.0.0.1', port: 0 },
      state: { dir: join(dir, 'state') },
      rules: { file: join(dir, 'rules.yaml'), evaluationInterval: '1h' },
      metrics: { tenantLabel: true, maxTenants: 2 },
      channels: [{ name: 'log', type: 'console' }],
      log: { level: 'silent' },
    });
    for (const r of workload(11, Date.now(), 12).records) service.apply(r);
    service.service.metrics.recordDelivery('log', false, 3);
    await service.evaluate();
  });

  afterAll(async () => {
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes promtool check metrics, with every family present', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    for (const family of [
      'telltale_workflow_runs_total',
      'telltale_tool_calls_total',
      'telltale_model_tokens_total',
      'telltale_workflow_cost_usd_total',
      'telltale_tool_success_ratio',
      'telltale_workflow_cost_per_success_usd',
      'telltale_alerts_firing',
      'telltale_alerts_notification_failures_total',
      'telltale_alerts_process_cpu_seconds_total',
    ])
      expect(text).toMatch(new RegExp(`^${family}\\{?`, 'm'));
    expect(text).toMatch(/^telltale_alerts_firing\{alertname="AnyHandoff"/m);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
  });
});
