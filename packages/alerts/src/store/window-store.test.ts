import { describe, expect, it } from 'vitest';
import { aggregate } from '../../test/aggregates.ts';
import { workflowsOf } from './bucket-counts.ts';
import { type StoreOptions, WindowStore } from './window-store.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const options: StoreOptions = {
  lookbackMs: 3 * 86_400_000,
  marginMs: 3_600_000,
  limits: { services: 10, workflows: 10, tenants: 10, tools: 3, keys: 20 },
};

function toolTotals(store: WindowStore, windowMs: number, nowMs: number, offsetMs = 0) {
  const out: Record<string, { calls: number; successes: number }> = {};
  store.scan(windowMs, offsetMs, nowMs, (_key, c) => {
    for (const [t, s] of c.tools) {
      const cur = out[t] ?? { calls: 0, successes: 0 };
      out[t] = cur;
      cur.calls += s.calls;
      cur.successes += s.successes;
    }
  });
  return out;
}

describe('the window store', () => {
  it('applies each id once and adds partials of the same window from several shards', () => {
    const store = new WindowStore(options);
    const a = aggregate({ shard: 'otlp_spans/0', startMs: T0, tools: { search: { calls: 10, successes: 9 } } });
    const b = aggregate({ shard: 'otlp_spans/1', startMs: T0, tools: { search: { calls: 5, successes: 1 } } });
    expect(store.apply(a, T0 + 20_000)).toBe('applied');
    expect(store.apply(b, T0 + 20_000)).toBe('applied');
    expect(store.apply(a, T0 + 30_000)).toBe('duplicate');
    expect(store.apply(structuredClone(b), T0 + 30_000)).toBe('duplicate');
    expect(toolTotals(store, 300_000, T0 + 30_000)).toEqual({ search: { calls: 15, successes: 10 } });
  });

  it('sums exactly over 5m on 10s buckets and over 6h and 3d on 5m buckets', () => {
    const store = new WindowStore(options);
    // one call per 10 s window for 3 days and 10 minutes
    const end = T0 + 3 * 86_400_000 + 600_000;
    for (let t = T0; t < end; t += 10_000)
      store.apply(aggregate({ startMs: t, tools: { search: { calls: 1, successes: 1 } } }), t + 10_000);
    const now = end - 1;
    expect(toolTotals(store, 300_000, now).search?.calls).toBe(30);
    expect(toolTotals(store, 3_600_000, now).search?.calls).toBe(360);
    expect(toolTotals(store, 6 * 3_600_000, now).search?.calls).toBe(2160);
    expect(toolTotals(store, 3 * 86_400_000, now).search?.calls).toBe(25_920);
    expect(toolTotals(store, 3_600_000, now, 86_400_000).search?.calls).toBe(360);
  });

  it('never counts in a day-earlier window what came after the same time yesterday', () => {
    const store = new WindowStore(options);
    // Yesterday: 1 call per 10 s in the 5 minutes before T0 (a bucket boundary), 2 in the 5 minutes after.
    for (let t = T0 - 300_000; t < T0 + 300_000; t += 10_000)
      store.apply(aggregate({ startMs: t, tools: { search: { calls: t < T0 ? 1 : 2, successes: 1 } } }), t + 10_000);
    const now = T0 + 86_400_000 + 10_000;
    expect(toolTotals(store, 300_000, now, 86_400_000).search?.calls).toBe(30);
  });

  it('refuses a window that ends more than an hour ahead, and keeps the freshness gauge on real data', () => {
    const store = new WindowStore(options);
    expect(store.apply(aggregate({ startMs: T0, tools: { search: { calls: 1, successes: 1 } } }), T0 + 10_000)).toBe(
      'applied',
    );
    // Starts now, ends a year ahead.
    expect(store.apply(aggregate({ startMs: T0 + 10_000, sizeMs: 365 * 86_400_000 }), T0 + 10_000)).toBe('too_new');
    expect(store.apply(aggregate({ startMs: T0 + 2 * 3_600_000 }), T0 + 10_000)).toBe('too_new');
    // Clock skew within the hour is fine.
    expect(store.apply(aggregate({ startMs: T0 + 3_000_000 }), T0 + 10_000)).toBe('applied');
    expect(store.newestWindowEndMs).toBe(T0 + 3_010_000);
  });

  it('keeps memory bounded: buckets and ids older than the horizon are dropped, and so are late replays of them', () => {
    const store = new WindowStore({ ...options, lookbackMs: 3_600_000, marginMs: 600_000 });
    const old = aggregate({ startMs: T0, tools: { search: { calls: 1, successes: 1 } } });
    expect(store.apply(old, T0 + 10_000)).toBe('applied');
    for (let t = T0; t < T0 + 3 * 3_600_000; t += 60_000) store.prune(t);
    expect(store.stats()).toMatchObject({ ids: 0, series: 0, fineBuckets: 0, coarseBuckets: 0 });
    expect(store.apply(old, T0 + 3 * 3_600_000)).toBe('too_old');
  });

  it('caps tools and series, counting the rest under __overflow__', () => {
    const store = new WindowStore(options);
    const tools = Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((t) => [t, { calls: 1, successes: 1 }]));
    store.apply(aggregate({ startMs: T0, tools }), T0 + 10_000);
    const totals = toolTotals(store, 300_000, T0 + 10_000);
    expect(Object.keys(totals).sort()).toEqual(['__overflow__', 'a', 'b', 'c']);
    expect(totals.__overflow__?.calls).toBe(2);
  });

  it('keeps series apart whatever their labels hold, NUL included, across a snapshot too', () => {
    const store = new WindowStore(options);
    const calm = { service: 'a\u0000b', workflow: 'c', tenant: '' };
    const busy = { service: 'a', workflow: 'b\u0000c', tenant: '' };
    store.apply(aggregate({ startMs: T0, key: calm, workflows: { success: 10 } }), T0 + 10_000);
    store.apply(aggregate({ startMs: T0, key: busy, workflows: { success: 10 }, withFallback: 10 }), T0 + 10_000);
    const fallbacks = (s: WindowStore) => {
      const out: [string, string, number][] = [];
      s.scan(300_000, 0, T0 + 10_000, (k, c) => out.push([k.service, k.workflow, c.withFallback]));
      return out.sort();
    };
    const want = [
      ['a\u0000b', 'c', 0],
      ['a', 'b\u0000c', 10],
    ];
    expect(fallbacks(store)).toEqual(want);
    const restored = new WindowStore(options);
    restored.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(fallbacks(restored)).toEqual(want);
  });

  it('restores a snapshot whose series ids were written NUL-joined, as before ids were JSON', () => {
    const store = new WindowStore(options);
    store.apply(aggregate({ startMs: T0, workflows: { success: 3 } }), T0 + 10_000);
    const text = JSON.stringify(store.snapshot()).replaceAll(
      JSON.stringify(JSON.stringify(['support', 'refund', ''])),
      JSON.stringify('support\u0000refund\u0000'),
    );
    expect(text).toContain('support\\u0000refund');
    const restored = new WindowStore(options);
    restored.restore(JSON.parse(text));
    store.apply(aggregate({ startMs: T0 + 10_000, workflows: { success: 2 } }), T0 + 20_000);
    restored.apply(aggregate({ startMs: T0 + 10_000, workflows: { success: 2 } }), T0 + 20_000);
    const keys = (s: WindowStore) => {
      const out = new Map<string, number>();
      s.scan(300_000, 0, T0 + 20_000, (k, c) => {
        const name = JSON.stringify(k);
        out.set(name, (out.get(name) ?? 0) + workflowsOf(c));
      });
      return out;
    };
    // One series, old and new aggregates together.
    expect(keys(restored)).toEqual(
      new Map([[JSON.stringify({ service: 'support', workflow: 'refund', tenant: '' }), 5]]),
    );
    expect(restored.stats().series).toBe(1);
  });

  it('survives a snapshot and restore: the same sums, and replays still refused', () => {
    const store = new WindowStore(options);
    const a = aggregate({ startMs: T0, workflows: { success: 3, failure: 1 }, costUsd: 0.25 });
    store.apply(a, T0);
    const restored = new WindowStore(options);
    restored.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(restored.apply(a, T0 + 1000)).toBe('duplicate');
    expect(restored.newestWindowEndMs).toBe(T0 + 10_000);
    let workflows = 0;
    let cost = 0n;
    restored.scan(300_000, 0, T0 + 1000, (key, c) => {
      expect(key).toEqual({ service: 'support', workflow: 'refund', tenant: '' });
      workflows += workflowsOf(c);
      cost += c.costPico;
    });
    expect(workflows).toBe(4);
    expect(cost).toBe(250_000_000_000n);
  });
});
