import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPrometheus, startPrometheus, waitUntil } from '../../../../test/infra/index.ts';
import { DEFAULT_RULES_FILE, loadRuleFile, parseRules } from '../rules/load.ts';
import { exportPrometheusRules } from './prometheus-rules.ts';

/** A short-window rule, so the real Prometheus shows firing and resolving within a test. */
const RULES = `
rules:
  - name: SearchFailing
    kind: tool_success
    mode: threshold
    threshold: 0.9
    window: 20s
    min_volume: 5
    severity: critical
    group_by: [service, tool]
    annotations:
      summary: 'tool {{ $labels.tool }} succeeds {{ $values.success_ratio | percent 0 }} of {{ $values.calls }} calls'
`;

/**
 * A /metrics endpoint serving telltale_tool_calls_total as the alert service
 * names it: 10 calls every 200ms, of which `errorShare` fail.
 */
function startExposition(): Promise<{ server: Server; port: number; set(errorShare: number): void; stop(): void }> {
  const counts = { success: 0, error: 0 };
  let errorShare = 0;
  const timer = setInterval(() => {
    const errors = Math.round(10 * errorShare);
    counts.error += errors;
    counts.success += 10 - errors;
  }, 200);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(
      [
        '# HELP telltale_tool_calls_total Tool calls that ended, by tool and outcome (success, error).',
        '# TYPE telltale_tool_calls_total counter',
        `telltale_tool_calls_total{service="support",workflow="answer",tool="search",outcome="success"} ${counts.success}`,
        `telltale_tool_calls_total{service="support",workflow="answer",tool="search",outcome="error"} ${counts.error}`,
        '',
      ].join('\n'),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        set: (share) => {
          errorShare = share;
        },
        stop: () => clearInterval(timer),
      }),
    ),
  );
}

describe('exported rules in the real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let exposition: Awaited<ReturnType<typeof startExposition>>;
  beforeAll(async () => {
    exposition = await startExposition();
    prometheus = await startPrometheus({
      config: [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files: [test.yml, default.yml]',
        'scrape_configs:',
        '  - job_name: telltale-alerts',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${exposition.port}']`,
      ].join('\n'),
      ruleFiles: [
        { name: 'test.yml', content: exportPrometheusRules(parseRules(RULES), { group: 'test' }) },
        { name: 'default.yml', content: exportPrometheusRules(loadRuleFile(DEFAULT_RULES_FILE)) },
      ],
    });
  });
  afterAll(async () => {
    exposition?.stop();
    await prometheus?.stop();
    await new Promise((resolve) => exposition?.server.close(resolve));
  });

  const firing = async () =>
    (await prometheus.query('ALERTS{alertname="SearchFailing", alertstate="firing"}')).map((s) => s.metric.tool);

  it('loads every exported rule, and evaluates each without error', async () => {
    interface RuleState {
      name: string;
      health: string;
      lastError?: string;
    }
    let rules: RuleState[] = [];
    await waitUntil(
      async () => {
        const res = await fetch(`${prometheus.url}/api/v1/rules`);
        const body = (await res.json()) as { data: { groups: { rules: RuleState[] }[] } };
        rules = body.data.groups.flatMap((g) => g.rules);
        return rules.length > 0 && rules.every((r) => r.health !== 'unknown');
      },
      { what: 'every exported rule evaluated once', timeoutMs: 30_000 },
    );
    const expected = exportPrometheusRules(loadRuleFile(DEFAULT_RULES_FILE)).match(/^ {6}- (record|alert):/gm)?.length;
    expect(rules.length).toBe((expected ?? 0) + 3);
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
  });

  it('fires the exported alert when the tool degrades, and resolves it when the tool recovers', async () => {
    await waitUntil(async () => (await prometheus.query('service_tool:telltale_tool_calls:increase20s')).length > 0, {
      what: 'the recorded call volume',
      timeoutMs: 30_000,
    });
    expect(await firing()).toEqual([]);

    exposition.set(0.5);
    await waitUntil(async () => (await firing()).includes('search'), {
      what: 'SearchFailing firing in Prometheus',
      timeoutMs: 60_000,
    });
    const res = await fetch(`${prometheus.url}/api/v1/alerts`);
    const body = (await res.json()) as {
      data: { alerts: { labels: Record<string, string>; annotations: Record<string, string> }[] };
    };
    const alert = body.data.alerts.find((a) => a.labels.alertname === 'SearchFailing');
    expect(alert?.labels).toMatchObject({ severity: 'critical', service: 'support', tool: 'search' });
    expect(alert?.annotations.summary).toMatch(/^tool search succeeds \d+% of \d+(\.\d+)?k? calls$/);

    exposition.set(0);
    await waitUntil(async () => (await firing()).length === 0, {
      what: 'SearchFailing resolved in Prometheus',
      timeoutMs: 90_000,
    });
  });
});
