import { describe, expect, it } from 'vitest';
import { aggregate } from '../../test/aggregates.ts';
import { AppliedWindows } from './applied-windows.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

describe('the applied windows', () => {
  it('tells apart shards, keys, window starts and sizes', () => {
    const w = new AppliedWindows();
    const a = aggregate({ startMs: T0 });
    w.add(a);
    expect(w.has(a)).toBe(true);
    expect(w.has(aggregate({ startMs: T0 + 10_000 }))).toBe(false);
    expect(w.has(aggregate({ startMs: T0, shard: 'otlp_spans/1' }))).toBe(false);
    expect(w.has(aggregate({ startMs: T0, key: { tenant: 'acme' } }))).toBe(false);
    expect(w.has(aggregate({ startMs: T0, sizeMs: 60_000 }))).toBe(false);
    expect(w.size).toBe(1);
  });

  it('keeps windows that are not aligned to their size too', () => {
    const w = new AppliedWindows();
    const odd = aggregate({ startMs: T0 + 3_000 });
    w.add(odd);
    expect(w.has(odd)).toBe(true);
    expect(w.has(aggregate({ startMs: T0 + 4_000 }))).toBe(false);
    w.forgetUpTo(T0 + 13_000);
    expect(w.has(odd)).toBe(false);
    expect(w.tooOld(odd.window.endMs)).toBe(true);
  });

  it('costs a bit per window: three days of 10 s windows of one stream fit in a few kilobytes', () => {
    const w = new AppliedWindows();
    for (let t = T0; t < T0 + 3 * 86_400_000; t += 10_000) w.add(aggregate({ startMs: t }));
    expect(w.size).toBe(25_920);
    const json = JSON.stringify(w.toJSON());
    expect(json.length).toBeLessThan(8_000);
    const back = AppliedWindows.fromJSON(JSON.parse(json));
    expect(back.size).toBe(25_920);
    expect(back.has(aggregate({ startMs: T0 + 86_400_000 }))).toBe(true);
    expect(back.has(aggregate({ startMs: T0 + 3 * 86_400_000 }))).toBe(false);
  });

  it('forgets whole chunks once every window in them ended before the cutoff', () => {
    const w = new AppliedWindows();
    for (let t = T0; t < T0 + 86_400_000; t += 10_000) w.add(aggregate({ startMs: t }));
    w.forgetUpTo(T0 + 43_200_000);
    expect(w.size).toBeLessThan(8_640 / 2 + 1024);
    expect(w.size).toBeGreaterThanOrEqual(8_640 / 2);
    expect(w.has(aggregate({ startMs: T0 + 50_000_000 }))).toBe(true);
    w.forgetUpTo(T0 + 2 * 86_400_000);
    expect(w.size).toBe(0);
  });
});
