import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertService } from '@telltale/alerts';
import { newCounters, ProcessorMetrics } from '@telltale/processor';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  type Dashboard,
  dataPanels,
  loadDashboards,
  metricNames,
  panelQueries,
  variableQueries,
} from './dashboards.ts';
import { DEPLOY_DIR } from './deploy-files.ts';

const dashboards = loadDashboards();
function dashboard(file: string): Dashboard {
  const d = dashboards.get(file);
  if (!d) throw new Error(`deploy/grafana/dashboards/${file} is missing`);
  return d;
}
const datasource = (
  parseYaml(readFileSync(join(DEPLOY_DIR, 'grafana', 'provisioning', 'datasources', 'prometheus.yaml'), 'utf8')) as {
    datasources: { uid: string; type: string }[];
  }
).datasources[0];

/** The collector's own metrics (not in a telltale registry); the end-to-end test runs these queries for real. */
const COLLECTOR_METRICS = new Set(['otelcol_receiver_accepted_spans']);

async function processorMetricNames(): Promise<Set<string>> {
  const metrics = new ProcessorMetrics(newCounters(), { defaultMetrics: false });
  return new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
}

/** Every metric the alert service registers (labelled series included before they have values). */
async function alertServiceMetricNames(): Promise<Set<string>> {
  const dir = await mkdtemp(join(tmpdir(), 'telltale-dashboards-'));
  const running = await createAlertService(
    { kafka: { enabled: false }, server: { host: '127.0.0.1', port: 0 }, state: { dir } },
    { logger: pino({ level: 'silent' }) },
  );
  try {
    return new Set((await running.service.metrics.registry.getMetricsAsJSON()).map((m) => m.name));
  } finally {
    await running.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the Grafana dashboards in deploy/grafana/dashboards', () => {
  it('are the two the stack ships, each with a unique uid', () => {
    expect([...dashboards.values()].map((d) => d.title).sort()).toEqual(['AI reliability', 'telltale pipeline']);
    const uids = [...dashboards.values()].map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('point every panel and query at the provisioned Prometheus datasource', () => {
    expect(datasource?.type).toBe('prometheus');
    for (const d of dashboards.values())
      for (const p of dataPanels(d)) {
        expect(p.datasource, `${d.title} / ${p.title}`).toEqual({ type: 'prometheus', uid: datasource?.uid });
        for (const t of p.targets ?? [])
          expect(t.datasource?.uid, `${d.title} / ${p.title} ${t.refId}`).toBe(datasource?.uid);
      }
  });

  it('give every panel at least one query and a unit', () => {
    for (const d of dashboards.values())
      for (const p of dataPanels(d)) {
        const where = `${d.title} / ${p.title}`;
        expect(p.targets?.length, where).toBeGreaterThan(0);
        for (const t of p.targets ?? []) expect(t.expr.trim(), `${where} ${t.refId}`).not.toBe('');
        expect(p.fieldConfig?.defaults?.unit, where).toMatch(/\S/);
      }
  });

  it('show ratios as percentunit and money as currencyUSD', () => {
    for (const d of dashboards.values())
      for (const p of dataPanels(d)) {
        const where = `${d.title} / ${p.title}`;
        const unit = p.fieldConfig?.defaults?.unit;
        if (/ratio|rate by/i.test(p.title)) expect(unit, where).toBe('percentunit');
        if (/cost|spend/i.test(p.title)) expect(unit, where).toBe('currencyUSD');
      }
  });

  it('have the panels the issue asks for', () => {
    const titles = (file: string) => dataPanels(dashboard(file)).map((p) => p.title);
    expect(titles('ai-reliability.json')).toEqual(
      expect.arrayContaining([
        'Tool success ratio by tool',
        'Cost per successful outcome by workflow',
        'Fallback rate by workflow',
        'Handoff rate by workflow',
        'Safety events by kind and policy',
        'Tokens by model and type',
        'Model spend by model',
        'Firing alerts',
      ]),
    );
    expect(titles('pipeline.json')).toEqual(
      expect.arrayContaining([
        'Spans in',
        'Consumer lag',
        'DLQ records',
        'Late spans',
        'Overflow',
        'Notification failures',
      ]),
    );
  });

  it('offer service, workflow and tenant variables on the AI reliability dashboard, used by its queries', () => {
    const ai = dashboard('ai-reliability.json');
    expect(ai.templating.list.map((v) => v.name)).toEqual(['service', 'workflow', 'tenant']);
    const exprs = panelQueries(ai).map((q) => q.expr);
    for (const v of ['$service', '$workflow', '$tenant'])
      expect(
        exprs.some((e) => e.includes(v)),
        v,
      ).toBe(true);
  });

  it('lay panels out without overlaps', () => {
    for (const d of dashboards.values()) {
      const cells = new Set<string>();
      for (const p of d.panels.flatMap((p) => [p, ...(p.panels ?? [])])) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w, `${d.title} / ${p.title}`).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            const cell = `${i},${j}`;
            expect(cells.has(cell), `${d.title} / ${p.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
      }
    }
  });

  it('use only processor metrics that the processor registry exposes', async () => {
    const exposed = await processorMetricNames();
    const used = [...dashboards.values()].flatMap((d) => panelQueries(d).flatMap((q) => metricNames(q.expr)));
    const processorUsed = used.filter((n) => n.startsWith('telltale_processor_'));
    expect(processorUsed.length).toBeGreaterThan(0);
    for (const name of processorUsed) expect(exposed, name).toContain(name);
    for (const name of used.filter((n) => n.startsWith('otelcol_'))) expect(COLLECTOR_METRICS, name).toContain(name);
  });

  it('use only alert service metrics that the alert service registers', async () => {
    const exposed = await alertServiceMetricNames();
    const used = [...dashboards.values()].flatMap((d) => panelQueries(d).flatMap((q) => metricNames(q.expr)));
    const alertsUsed = used.filter((n) => n.startsWith('telltale_') && !n.startsWith('telltale_processor_'));
    expect(alertsUsed.length).toBeGreaterThan(0);
    for (const name of alertsUsed) expect(exposed, name).toContain(name);
  });
});

describe('the dashboard variables', () => {
  it('are label_values queries Prometheus can answer, with the other variables resolved', () => {
    const vars = variableQueries(dashboard('ai-reliability.json'));
    expect(vars.map((v) => [v.name, v.label])).toEqual([
      ['service', 'service'],
      ['workflow', 'workflow'],
      ['tenant', 'tenant'],
    ]);
    for (const v of vars) expect(v.selector, v.name).not.toContain('$');
  });
});
