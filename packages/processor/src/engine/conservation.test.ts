import type { AggregateRecord } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../../../test/support/random.ts';
import { generateWorkload, WORKLOAD_PRICES } from '../../test/workload.ts';
import { spanRole } from '../classify/classify.ts';
import { PriceTable } from '../cost/price-table.ts';
import type { Span } from '../span.ts';
import { Engine } from './engine.ts';

const prices = new PriceTable(WORKLOAD_PRICES);

/**
 * Under caps that force windows closed and traces out of the join, and input
 * out of order (late spans), the exact totals no longer hold; what must still
 * hold is that nothing is counted twice: every workflow, model call and tool
 * call counts at most once, and every open trace and window is gone after a
 * flush. A trace finished twice, or a window emitted twice, breaks it.
 */
describe('conservation under caps and disorder', () => {
  it('counts every workflow, call and its spend at most once, for 150 random workloads and cap settings', () => {
    let bitten = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const w = generateWorkload({ traces: 40 + Math.floor(r() * 80), seed, tenants: 3 });
      // Records of one to all spans of a trace, then shuffled in blocks: nearby traces interleave and some spans come late.
      const records: Span[][] = [];
      for (const t of w.traces) {
        const spans = [...t.spans];
        while (spans.length > 0) records.push(spans.splice(0, 1 + Math.floor(r() * spans.length)));
      }
      const block = 1 + Math.floor(r() * 30);
      for (let i = 0; i < records.length; i += block) {
        const part = records.slice(i, i + block).sort(() => r() - 0.5);
        records.splice(i, part.length, ...part);
      }
      const e = new Engine({
        shard: 's/0',
        prices,
        window: { sizeMs: [1_000, 2_000, 10_000][Math.floor(r() * 3)] as number, graceMs: 5_000 },
        joinWaitMs: Math.floor(r() * 5_000),
        maxOpenWindows: 1 + Math.floor(r() * 3),
        maxOpenTraces: 1 + Math.floor(r() * 30),
        limits: { tenants: 1 + Math.floor(r() * 3), keys: 1 + Math.floor(r() * 6) },
      });
      records.forEach((rec, i) => {
        e.process(rec, BigInt(i));
      });
      e.flush();
      const out: AggregateRecord[] = e.drain().aggregates;

      const all = w.traces.flatMap((t) => t.spans);
      const spans = (role: string) => all.filter((s) => spanRole(s) === role).length;
      const sum = (f: (r: AggregateRecord) => number) => out.reduce((n, rec) => n + f(rec), 0);
      const workflows = sum(
        (x) => x.workflows.success + x.workflows.failure + x.workflows.handoff + x.workflows.abandoned,
      );
      const at = `seed ${seed}`;
      expect(workflows + e.counters.lateWorkflows, at).toBeLessThanOrEqual(spans('workflow'));
      expect(
        sum((x) => x.workflowCost.pricedCalls + x.workflowCost.unpricedCalls),
        at,
      ).toBeLessThanOrEqual(spans('model'));
      expect(
        sum((x) => Object.values(x.models).reduce((n, m) => n + m.calls, 0)),
        at,
      ).toBeLessThanOrEqual(spans('model'));
      expect(
        sum((x) => Object.values(x.tools).reduce((n, t) => n + t.calls, 0)),
        at,
      ).toBeLessThanOrEqual(spans('tool'));
      // Each (window, key) is emitted once.
      expect(new Set(out.map((x) => x.id)).size, at).toBe(out.length);
      expect([e.openTraces, e.openWindows], at).toEqual([0, 0]);
      if (e.counters.overflow.open_windows + e.counters.overflow.open_traces > 0) bitten++;
    }
    // The caps did bite in most runs: the test is not of the easy case.
    expect(bitten).toBeGreaterThan(100);
  });
});
