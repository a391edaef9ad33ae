import { DEFAULT_TENANTS, type TallySnapshot, WORKFLOW_NAME } from '@telltale/example-support-assistant';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../infra/index.ts';
import { dataPanels, loadDashboards, resolveVariables, variableQueries } from './dashboards.ts';
import { Load, sendClockSpans } from './load.ts';
import { type Stack, startStack } from './stack.ts';
import type { ReceivedNotification } from './webhook-receiver.ts';

/**
 * The whole chain with the real parts and the files in deploy/: the example
 * service (SDK) → collector → Kafka → two processor processes → Kafka → the
 * alert service → Prometheus, and → Alertmanager → a webhook. The workload's
 * own tally is the ground truth.
 */

const SERVICE = 'support-assistant';
const TOOL = 'lookup_order';
const ALERT = 'ToolSuccessBurnRate';

let stack: Stack;
let load: Load;
const startedAt = Date.now();

async function value(promql: string): Promise<number | undefined> {
  const r = await stack.prometheus.query(promql);
  return r[0] ? Number(r[0].value[1]) : undefined;
}

async function byLabel(promql: string, label: string): Promise<Record<string, number>> {
  const r = await stack.prometheus.query(promql);
  return Object.fromEntries(r.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
}

/** Waits until Prometheus has scraped every target of `job` after this call: no fixed sleep "for one more scrape". */
async function nextScrape(job: string): Promise<void> {
  const after = Date.now() / 1000;
  await waitUntil(async () => ((await value(`min(timestamp(up{job="${job}"}))`)) ?? 0) > after, {
    what: `a scrape of ${job} after ${new Date(after * 1000).toISOString()}`,
    timeoutMs: 60_000,
    intervalMs: 500,
  });
}

/** Waits until `promql` reads the same in two successive scrapes of `job`: whatever was in flight has landed. */
async function settled(promql: string, job: string): Promise<void> {
  let before = await value(promql);
  for (;;) {
    await nextScrape(job);
    const now = await value(promql);
    if (now !== undefined && now === before) return;
    before = now;
  }
}

async function tally(): Promise<TallySnapshot> {
  return (await (await fetch(`${stack.demoUrl}/tally`)).json()) as TallySnapshot;
}

async function setFailingTool(tool: string | null, rate = 1): Promise<void> {
  const res = await fetch(`${stack.demoUrl}/failing-tool`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tool, rate }),
  });
  expect(res.status).toBe(204);
}

/** Alertmanager notifications about the tool alert, by status. */
function toolAlerts(status: 'firing' | 'resolved'): ReceivedNotification[] {
  return stack.webhook.received.filter((n) =>
    n.payload.alerts.some(
      (a) =>
        a.status === status && a.labels.alertname === ALERT && a.labels.tool === TOOL && a.labels.service === SERVICE,
    ),
  );
}

beforeAll(async () => {
  stack = await startStack();
  // One undecodable record: the pipeline carries on and the DLQ panel has data.
  const producer = new Kafka({ clientId: 'e2e-poison', brokers: stack.brokers, logLevel: logLevel.ERROR }).producer();
  await producer.connect();
  await producer.send({ topic: stack.topics.spans, messages: [{ key: 'poison', value: Buffer.from('not protobuf') }] });
  await producer.disconnect();
  load = new Load(stack.demoUrl, 10);
  load.start();
}, 600_000);

afterAll(async () => {
  await load?.stop();
  await stack?.stop();
}, 120_000);

describe('the telltale stack end to end', () => {
  let failingSince = 0;

  it('pages, with the tool label, when one tool degrades', async () => {
    // Healthy traffic first, so the burn-rate windows have a baseline.
    await waitUntil(async () => ((await tally()).tools[TOOL]?.success ?? 0) >= 150, {
      what: 'healthy calls of the tool',
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    expect(toolAlerts('firing')).toEqual([]);
    await setFailingTool(TOOL, 0.5);
    failingSince = Date.now();
    await waitUntil(async () => toolAlerts('firing').length > 0, {
      what: `the ${ALERT} page for ${TOOL} at the webhook`,
      timeoutMs: 240_000,
      intervalMs: 500,
    });
    const page = toolAlerts('firing')[0] as ReceivedNotification;
    const seconds = (page.at - failingSince) / 1000;
    console.log(`[e2e] time from the first failing tool call to the page: ${seconds.toFixed(1)} s`);
    const alert = page.payload.alerts.find((a) => a.labels.alertname === ALERT);
    expect(alert?.labels).toMatchObject({ tool: TOOL, service: SERVICE, severity: 'critical' });
    expect(alert?.annotations.summary).toContain(TOOL);
    expect(stack.webhook.rejected).toEqual([]);
  }, 400_000);

  it('sends the resolve once the tool recovers, and pages only once for the incident', async () => {
    await setFailingTool(null);
    const recoveredAt = Date.now();
    // More healthy traffic dilutes the failures out of the 5m burn-rate window sooner.
    load.setRate(30);
    await waitUntil(async () => toolAlerts('resolved').length > 0, {
      what: `the resolve of ${ALERT} for ${TOOL} at the webhook`,
      timeoutMs: 420_000,
      intervalMs: 1000,
    });
    console.log(`[e2e] time from recovery to the resolve: ${((Date.now() - recoveredAt) / 1000).toFixed(1)} s`);
    // The alert service re-sent the firing alert meanwhile; Alertmanager paged once.
    expect(toolAlerts('firing')).toHaveLength(1);
    expect(toolAlerts('resolved')).toHaveLength(1);
    const resolved = toolAlerts('resolved')[0]?.payload.alerts.find((a) => a.labels.alertname === ALERT);
    expect(resolved?.labels).toMatchObject({ tool: TOOL, service: SERVICE });
    expect(stack.webhook.rejected).toEqual([]);
  }, 480_000);

  it('shows in Prometheus exactly the counts, cost per success and fallback ratio of the workload', async () => {
    await load.stop();
    expect(load.errors).toEqual([]);
    const truth = await tally();
    const workflows = Object.values(truth.workflows).reduce((a, b) => a + b, 0);
    // Let the SDK's last batches through the collector, then move event time past the last windows.
    await waitUntil(async () => (await value(`sum(telltale_processor_spans_total)`)) !== undefined, {
      what: 'processor metrics in Prometheus',
      timeoutMs: 30_000,
    });
    await settled('sum(telltale_processor_spans_total)', 'telltale-processor');
    await sendClockSpans(stack.collectorUrl, 60_000);
    const runs = `sum(telltale_workflow_runs_total{service="${SERVICE}"})`;
    await waitUntil(async () => ((await value(runs)) ?? 0) >= workflows, {
      what: `Prometheus to count all ${workflows} workflows`,
      timeoutMs: 120_000,
      intervalMs: 1000,
    });
    // A scrape more, so a double count would show.
    await nextScrape('telltale-alerts');
    expect(await value(runs)).toBe(workflows);

    const outcomes = await byLabel(`sum by (outcome) (telltale_workflow_runs_total{service="${SERVICE}"})`, 'outcome');
    for (const [outcome, n] of Object.entries(truth.workflows)) expect(outcomes[outcome] ?? 0, outcome).toBe(n);

    for (const [tool, calls] of Object.entries(truth.tools)) {
      const byOutcome = await byLabel(
        `sum by (outcome) (telltale_tool_calls_total{service="${SERVICE}", tool="${tool}"})`,
        'outcome',
      );
      expect(byOutcome.success ?? 0, `${tool} successes`).toBe(calls.success);
      expect((byOutcome.error ?? 0) + (byOutcome.failure ?? 0), `${tool} failures`).toBe(calls.failure);
    }

    const cost = await value(`sum(telltale_workflow_cost_usd_total{service="${SERVICE}"})`);
    expect(cost).toBeCloseTo(truth.costUsd, 9);
    const costPerSuccess = await value(
      `sum(telltale_workflow_cost_usd_total{service="${SERVICE}"}) / sum(telltale_workflow_runs_total{service="${SERVICE}", outcome="success"})`,
    );
    expect(costPerSuccess).toBeCloseTo(truth.costUsd / truth.workflows.success, 12);
    const fallbackRatio = await value(
      `sum(telltale_workflows_with_fallback_total{service="${SERVICE}"}) / sum(telltale_workflow_runs_total{service="${SERVICE}"})`,
    );
    expect(fallbackRatio).toBeCloseTo(truth.workflowsWithFallback / workflows, 12);

    // Both replicas of the consumer group did their share.
    const spansByReplica = await byLabel('sum by (instance) (telltale_processor_spans_total)', 'instance');
    expect(Object.keys(spansByReplica)).toHaveLength(2);
    for (const [instance, spans] of Object.entries(spansByReplica)) expect(spans, instance).toBeGreaterThan(0);
    expect(await value('sum(telltale_processor_dlq_records_total)')).toBe(1);
    expect(await value('sum(telltale_processor_late_spans_total)')).toBe(0);
  }, 240_000);

  it('has data for every panel of every dashboard', async () => {
    const end = Date.now() / 1000;
    const start = startedAt / 1000;
    const empty: string[] = [];
    for (const dashboard of loadDashboards().values())
      for (const panel of dataPanels(dashboard))
        for (const target of panel.targets ?? []) {
          const query = resolveVariables(target.expr);
          const url = `${stack.prometheus.url}/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start}&end=${end}&step=5`;
          const body = (await (await fetch(url)).json()) as {
            status: string;
            error?: string;
            data?: { result: unknown[] };
          };
          if (body.status !== 'success')
            empty.push(`${dashboard.title} / ${panel.title} ${target.refId}: ${body.error}`);
          else if ((body.data?.result.length ?? 0) === 0)
            empty.push(`${dashboard.title} / ${panel.title} ${target.refId}: no data (${query})`);
        }
    expect(empty).toEqual([]);
  });

  it('offers the services, workflows and tenants of the workload in the dashboard variables', async () => {
    const values: Record<string, string[]> = {};
    for (const dashboard of loadDashboards().values())
      for (const v of variableQueries(dashboard)) {
        const url = `${stack.prometheus.url}/api/v1/label/${v.label}/values?match[]=${encodeURIComponent(v.selector)}`;
        values[v.name] = ((await (await fetch(url)).json()) as { data: string[] }).data;
      }
    expect(values.service).toContain(SERVICE);
    expect(values.workflow).toContain(WORKFLOW_NAME);
    expect(values.tenant).toEqual(expect.arrayContaining([...DEFAULT_TENANTS]));
  });
});
