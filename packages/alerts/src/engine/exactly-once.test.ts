import { describe, expect, it } from 'vitest';
import { MIN, Scenario, T0, toolCalls } from '../../test/scenario.ts';

const H = 60 * MIN;
const RULES = `
rules:
  - name: SearchLow
    kind: tool_success
    mode: threshold
    threshold: 0.95
    window: 5m
    min_volume: 10
    for: 1m
    keep_firing_for: 5m
    severity: critical
`;

/** 20 minutes good, 20 bad, 40 good; two processor replicas each send half of every window. */
function incident(s: Scenario, until: number): void {
  const bad = (t: number) => t >= T0 + 20 * MIN && t < T0 + 40 * MIN;
  s.run(until, (t) => [
    { shard: 'otlp_spans/0', tools: toolCalls('search', 50, bad(t) ? 0.6 : 1) },
    { shard: 'otlp_spans/1', tools: toolCalls('search', 50, bad(t) ? 0.8 : 1) },
  ]);
}

function summary(s: Scenario) {
  return s.sent.map(({ atMs, n }) => ({ atMs, action: n.action, key: n.dedupKey, values: n.values }));
}

describe('exactly-once application of aggregates', () => {
  it('merges partials of the same window from several shards by addition', () => {
    const s = new Scenario(RULES);
    incident(s, T0 + 30 * MIN);
    // at T0 + 30m the 5m window is wholly inside the bad 20 minutes
    const v = s.engine.alerts()[0]!.values;
    expect(v.calls).toBe(3000); // 5 minutes × 6 windows × (50 + 50)
    expect(v.successes).toBe(2100); // 30 × (30 + 40)
  });

  it('duplicate and replayed aggregates change nothing: the same pages at the same times', () => {
    const once = new Scenario(RULES);
    incident(once, T0 + 80 * MIN);

    const bad = (t: number) => t >= T0 + 20 * MIN && t < T0 + 40 * MIN;
    // the same stream, but every aggregate delivered twice, then a replay of the last 30 minutes
    const dup = new Scenario(RULES);
    const outcomes: string[] = [];
    dup.run(T0 + 80 * MIN, (t) => {
      const specs = [
        { shard: 'otlp_spans/0', tools: toolCalls('search', 50, bad(t) ? 0.6 : 1) },
        { shard: 'otlp_spans/1', tools: toolCalls('search', 50, bad(t) ? 0.8 : 1) },
      ];
      return [...specs, ...specs];
    });
    for (const a of dup.applied.slice(-360)) outcomes.push(dup.apply(structuredClone(a)));
    dup.evaluate();
    expect(new Set(outcomes)).toEqual(new Set(['duplicate']));
    expect(summary(dup)).toEqual(summary(once));
    expect(summary(once).map((x) => x.action)).toEqual(['trigger', 'resolve']);
  });

  it('a replay of aggregates older than the store keeps is refused, not applied twice', () => {
    const s = new Scenario(RULES);
    incident(s, T0 + H);
    const first = s.applied[0]!;
    s.run(T0 + 12 * H, () => []);
    expect(s.apply(first)).toBe('too_old');
  });
});
