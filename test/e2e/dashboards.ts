import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_DIR } from './deploy-files.ts';

/**
 * The Grafana dashboards shipped in deploy/grafana/dashboards, read the way
 * the tests need them: every panel with its queries, and the queries with the
 * dashboard variables replaced so they run against Prometheus as they are.
 */

export const DASHBOARDS_DIR = join(DEPLOY_DIR, 'grafana', 'dashboards');

export interface DashboardTarget {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
  fieldConfig?: { defaults?: { unit?: string } };
  gridPos: { x: number; y: number; w: number; h: number };
  panels?: DashboardPanel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; query?: { query?: string } | string; definition?: string }[] };
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

/** Every dashboard file, parsed, by file name. */
export function loadDashboards(dir = DASHBOARDS_DIR): Map<string, Dashboard> {
  const out = new Map<string, Dashboard>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    out.set(file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard);
  }
  return out;
}

/** The panels that show data (rows are only headings), nested ones included. */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** Every query of every data panel. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return dataPanels(dashboard).flatMap((p) =>
    (p.targets ?? []).map((t) => ({ dashboard: dashboard.title, panel: p.title, refId: t.refId, expr: t.expr })),
  );
}

/**
 * A query as Grafana would send it with every variable at "All" (the regex
 * `.*`, which also matches a series without that label) and the rate interval
 * Grafana derives from the 5 s scrape interval.
 */
export function resolveVariables(expr: string, rateInterval = '1m'): string {
  return expr
    .replaceAll('$__rate_interval', rateInterval)
    .replaceAll('$__range', '5m')
    .replace(/\$(service|workflow|tenant)\b/g, '.*');
}

/** Metric names a query uses: the telltale ones and the collector's own. */
export function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\b(?:telltale|otelcol)_[a-z0-9_]+\b/g) ?? [])].sort();
}

export interface VariableQuery {
  dashboard: string;
  name: string;
  /** The series selector of `label_values(selector, label)`, variables resolved. */
  selector: string;
  label: string;
}

/** The dashboard's `label_values(selector, label)` variables, as Grafana asks Prometheus for them. */
export function variableQueries(dashboard: Dashboard): VariableQuery[] {
  return dashboard.templating.list.map((v) => {
    const text = typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
    const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(text.trim());
    if (!m?.[1] || !m[2])
      throw new Error(`${dashboard.title}: variable ${v.name} is not label_values(selector, label)`);
    return { dashboard: dashboard.title, name: v.name, selector: resolveVariables(m[1]), label: m[2] };
  });
}
