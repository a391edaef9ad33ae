/**
 * One evaluation of the shipped rules (windows from 5m to 3d, and a day
 * earlier) over 4 days of 10 s aggregates from 20 series × 3 tools, against
 * the anchor: the same sums computed the plain way, by scanning every
 * retained aggregate. Also prints the store's heap.
 * Run: npm run bench -- alerts-evaluate
 */
import type { AggregateRecord } from '@telltale/conventions';
import { AlertEngine } from '../packages/alerts/src/engine/alert-engine.ts';
import { loadRuleFile } from '../packages/alerts/src/rules/load.ts';
import { WindowStore } from '../packages/alerts/src/store/window-store.ts';
import { aggregate } from '../packages/alerts/test/aggregates.ts';
import { runBenchmark } from './harness.ts';

const DAY = 86_400_000;
const SERIES = 20;
const END = Date.UTC(2026, 0, 9);
const START = END - 4 * DAY;
const rules = loadRuleFile();
const gc = (globalThis as { gc?: () => void }).gc;

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const store = new WindowStore({
  lookbackMs: Math.max(...rules.flatMap((r) => r.windows.map((w) => w.windowMs + w.offsetMs))),
  marginMs: 3_600_000,
  limits: { services: 100, workflows: 100, tenants: 100, tools: 100, keys: 1000 },
});
// The anchor keeps what a plain design would: every aggregate of the horizon.
const raw: AggregateRecord[] = [];
const keepRaw: AggregateRecord[][] = [];
let applied = 0;
for (let t = START; t < END; t += 10_000) {
  for (let s = 0; s < SERIES; s++) {
    const a = aggregate({
      startMs: t,
      key: { service: `svc${s % 4}`, workflow: `wf${s}`, tenant: '' },
      workflows: { success: 9, failure: 1 },
      costUsd: 0.05,
      tools: {
        search: { calls: 10, successes: 10 },
        crm: { calls: 5, successes: 5 },
        refund: { calls: 2, successes: 2 },
      },
    });
    if (store.apply(a, t + 10_000) === 'applied') applied++;
  }
  if (t % 3_600_000 === 0) store.prune(t);
}
store.prune(END);
gc?.();
const storeHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
const snapshotMb = JSON.stringify(store.snapshot()).length / 1e6;
console.log(
  `applied ${applied} aggregates; store ${JSON.stringify(store.stats())}; store heap ${storeHeapMb.toFixed(1)} MB; snapshot ${snapshotMb.toFixed(1)} MB`,
);
for (let t = START; t < END; t += 10_000)
  for (let s = 0; s < SERIES; s++)
    raw.push(
      aggregate({
        startMs: t,
        key: { service: `svc${s % 4}`, workflow: `wf${s}`, tenant: '' },
        workflows: { success: 9, failure: 1 },
        costUsd: 0.05,
        tools: {
          search: { calls: 10, successes: 10 },
          crm: { calls: 5, successes: 5 },
          refund: { calls: 2, successes: 2 },
        },
      }),
    );
keepRaw.push(raw);

const engine = new AlertEngine(rules, { generatorUrl: (k) => k });
const timeMs = (fn: () => void, n: number): number => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
};

/** The plain way: for every window a rule reads, scan all retained aggregates. */
function plainEvaluate(): number {
  let sink = 0;
  for (const r of rules)
    for (const w of r.windows) {
      const from = END - w.offsetMs - w.windowMs;
      const to = END - w.offsetMs;
      for (const a of raw)
        if (a.window.startMs >= from && a.window.startMs < to)
          for (const t of Object.values(a.tools)) sink += t.calls + a.workflows.success;
    }
  return sink;
}

await runBenchmark({
  name: 'alerts-evaluate',
  unit: 'ms/evaluation',
  anchor: 'the same windowed sums by scanning every retained aggregate',
  runs: 5,
  value: () => timeMs(() => engine.evaluate(store, END), 5),
  anchorValue: () => timeMs(() => plainEvaluate(), 1),
});
