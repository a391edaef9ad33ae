import { picoToUsd } from '@telltale/conventions';
import { Gauge, type Registry } from 'prom-client';
import type { WindowedCounts } from '../rules/conditions/condition.ts';
import { workflowsOf } from '../store/bucket-counts.ts';

/**
 * Ratios over a recent window, computed from the store's exact sums at each
 * scrape (sums of numerators over sums of denominators, never averages). A
 * series with nothing to divide by is absent rather than 0 or NaN.
 */
export function registerRatioGauges(
  registry: Registry,
  store: WindowedCounts,
  windowMs: number,
  window: string,
  now: () => number,
): void {
  const registers = [registry];
  const scan = () => {
    const tools = new Map<string, { labels: Record<string, string>; calls: number; successes: number }>();
    const workflows = new Map<
      string,
      { labels: Record<string, string>; runs: number; success: number; handoff: number; fallback: number; pico: bigint }
    >();
    store.scan(windowMs, 0, now(), (key, c) => {
      for (const [tool, t] of c.tools) {
        const k = JSON.stringify([key.service, tool]);
        const cur = tools.get(k) ?? { labels: { service: key.service, tool }, calls: 0, successes: 0 };
        cur.calls += t.calls;
        cur.successes += t.successes;
        tools.set(k, cur);
      }
      const k = JSON.stringify([key.service, key.workflow]);
      const cur = workflows.get(k) ?? {
        labels: { service: key.service, workflow: key.workflow },
        runs: 0,
        success: 0,
        handoff: 0,
        fallback: 0,
        pico: 0n,
      };
      cur.runs += workflowsOf(c);
      cur.success += c.success;
      cur.handoff += c.handoff;
      cur.fallback += c.withFallback;
      cur.pico += c.costPico;
      workflows.set(k, cur);
    });
    return { tools, workflows };
  };
  // One scan per scrape feeds all four gauges: the first gauge's collect takes it, the others reuse it.
  let last: { at: number; data: ReturnType<typeof scan> } | undefined;
  const data = () => {
    const t = now();
    if (!last || last.at !== t) last = { at: t, data: scan() };
    return last.data;
  };
  new Gauge({
    name: 'telltale_tool_success_ratio',
    help: `Successful tool calls / tool calls over the last ${window}, per tool.`,
    labelNames: ['service', 'tool'],
    registers,
    collect() {
      this.reset();
      for (const t of data().tools.values()) if (t.calls > 0) this.set(t.labels, t.successes / t.calls);
    },
  });
  new Gauge({
    name: 'telltale_workflow_cost_per_success_usd',
    help: `All model spend of the workflows (failed ones too) / successful workflows over the last ${window}, in USD.`,
    labelNames: ['service', 'workflow'],
    registers,
    collect() {
      this.reset();
      for (const w of data().workflows.values()) {
        if (w.success > 0) this.set(w.labels, picoToUsd(w.pico) / w.success);
        else if (w.pico > 0n) this.set(w.labels, Number.POSITIVE_INFINITY);
      }
    },
  });
  new Gauge({
    name: 'telltale_workflow_fallback_ratio',
    help: `Workflows with at least one fallback / workflows over the last ${window}.`,
    labelNames: ['service', 'workflow'],
    registers,
    collect() {
      this.reset();
      for (const w of data().workflows.values()) if (w.runs > 0) this.set(w.labels, w.fallback / w.runs);
    },
  });
  new Gauge({
    name: 'telltale_workflow_handoff_ratio',
    help: `Workflows handed off to a human / workflows over the last ${window}.`,
    labelNames: ['service', 'workflow'],
    registers,
    collect() {
      this.reset();
      for (const w of data().workflows.values()) if (w.runs > 0) this.set(w.labels, w.handoff / w.runs);
    },
  });
}
