import { describe, expect, it } from 'vitest';
import { aggregate } from '../../test/aggregates.ts';
import { MIN, newEngine, Scenario, T0, toolCalls } from '../../test/scenario.ts';

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
  - name: CostHigh
    kind: cost_per_success
    window: 5m
    threshold_usd: 1
    severity: error
`;

const bad = (t: number) => t >= T0 + 20 * MIN && t < T0 + 40 * MIN;
const feed = (t: number) => [{ tools: toolCalls('search', 100, bad(t) ? 0.5 : 1) }];

describe('a restart in the middle of an incident', () => {
  it('sends no second trigger, and the resolve still goes out, with the same dedup key and start', () => {
    const s = new Scenario(RULES);
    s.run(T0 + 30 * MIN, feed);
    expect(s.triggers()).toHaveLength(1);
    const trigger = s.triggers()[0]!.n;

    s.restart();
    expect(s.engine.alerts()).toHaveLength(1);
    expect(s.engine.firing().map((n) => n.dedupKey)).toEqual([trigger.dedupKey]);
    // the aggregates after the restart include a replay of what was applied before it
    for (const a of s.applied.slice(-60)) expect(s.store.apply(a, s.nowMs)).toBe('duplicate');
    s.run(T0 + 80 * MIN, feed);

    expect(s.triggers()).toHaveLength(1);
    expect(s.resolves()).toHaveLength(1);
    const resolve = s.resolves()[0]!.n;
    expect(resolve.dedupKey).toBe(trigger.dedupKey);
    expect(resolve.startsAt.getTime()).toBe(trigger.startsAt.getTime());
  });

  it('resolves after a restart even when the incident ended while the service was down', () => {
    const s = new Scenario(RULES);
    s.run(T0 + 30 * MIN, feed);
    s.restart();
    // down for 30 minutes: the aggregates of that time arrive afterwards, all at once
    const down = s.nowMs;
    s.nowMs = down + 30 * MIN;
    for (let t = down; t < down + 30 * MIN; t += 10_000) s.apply(aggregateFor(t));
    s.evaluate();
    expect(s.triggers()).toHaveLength(1);
    expect(s.resolves()).toHaveLength(1);
  });

  it('resolves the incidents of a rule that was removed from the file', () => {
    const s = new Scenario(RULES);
    s.run(T0 + 30 * MIN, feed);
    const snapshot = JSON.parse(JSON.stringify(s.engine.snapshot()));
    const without = new Scenario(RULES.split('  - name: CostHigh')[0] ?? '');
    without.nowMs = s.nowMs;
    without.engine = newEngine(
      without.rules.filter((r) => r.name !== 'SearchLow'),
      snapshot,
    );
    without.evaluate();
    expect(without.resolves().map((r) => r.n.ruleName)).toEqual(['SearchLow']);
  });
});

function aggregateFor(t: number) {
  return aggregate({ startMs: t, tools: toolCalls('search', 100, bad(t) ? 0.5 : 1) });
}
