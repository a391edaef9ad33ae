import { describe, expect, it } from 'vitest';
import { aggregate } from '../../test/aggregates.ts';
import { MIN, Scenario, T0 } from '../../test/scenario.ts';

const H = 60 * MIN;
const DAY = 24 * H;

describe('cost per successful outcome', () => {
  it('fires above an absolute USD threshold, counting failed workflows’ spend, and resolves', () => {
    const s = new Scenario(`
rules:
  - name: CostHigh
    kind: cost_per_success
    window: 5m
    threshold_usd: 0.5
    min_volume: 10
    for: 1m
    keep_firing_for: 2m
    severity: error
    annotations: { summary: '{{ $labels.workflow }}: {{ $values.cost_per_success_usd | usd 2 }} per success' }
`);
    // 10 workflows per 10 s, 8 succeed; $0.20 each → $0.25 per success
    const healthy = { workflows: { success: 8, failure: 2 }, costUsd: 2 };
    // same runs, but failures now burn $3 each: ($1.60 + $6) / 8 = $0.95 per success
    const runaway = { workflows: { success: 8, failure: 2 }, costUsd: 7.6 };
    s.run(T0 + 30 * MIN, () => [healthy]);
    expect(s.sent).toEqual([]);
    const start = s.nowMs;
    s.run(start + 10 * MIN, () => [runaway]);
    expect(s.triggers()).toHaveLength(1);
    const n = s.triggers()[0]!.n;
    expect(n.labels).toMatchObject({ service: 'support', workflow: 'refund' });
    expect(n.values.successes).toBeGreaterThan(0);
    expect(n.annotations.summary).toMatch(/^refund: \$\d\.\d\d per success$/);
    expect(s.triggers()[0]!.atMs - start).toBeLessThanOrEqual(3 * MIN);
    const back = s.nowMs;
    s.run(back + 20 * MIN, () => [healthy]);
    expect(s.resolves()).toHaveLength(1);
    expect(s.resolves()[0]!.atMs - back).toBeGreaterThanOrEqual(2 * MIN);
    expect(s.resolves()[0]!.atMs - back).toBeLessThanOrEqual(5 * MIN + 2 * MIN + 10_000);
  });

  it('treats spend with no success at all as infinitely expensive', () => {
    const s = new Scenario(`
rules:
  - { name: CostHigh, kind: cost_per_success, window: 5m, threshold_usd: 0.5, min_volume: 10, severity: error }
`);
    s.run(T0 + 5 * MIN, () => [{ workflows: { failure: 5 }, costUsd: 1 }]);
    expect(s.triggers()).toHaveLength(1);
    expect(s.triggers()[0]!.n.values.cost_per_success_usd).toBe(Number.POSITIVE_INFINITY);
  });

  it('fires relative to the same window a day earlier', () => {
    const s = new Scenario(`
rules:
  - name: CostDoubled
    kind: cost_per_success
    window: 1h
    relative_to_day_before: 2
    min_volume: 10
    severity: error
`);
    // yesterday's hour at $0.10 per success, fed as 5-minute aggregates to keep the test quick
    for (let t = T0; t < T0 + 2 * H; t += 5 * MIN) {
      s.nowMs = t + 5 * MIN;
      expect(s.apply(aggregate({ startMs: t, sizeMs: 5 * MIN, workflows: { success: 60 }, costUsd: 6 }))).toBe(
        'applied',
      );
    }
    s.nowMs = T0 + DAY;
    // today: $0.15 per success (1.5x): no alert; then $0.30 (3x): alert
    s.run(T0 + DAY + H, () => [{ workflows: { success: 10 }, costUsd: 1.5 }]);
    expect(s.sent).toEqual([]);
    s.run(T0 + DAY + 2 * H, () => [{ workflows: { success: 10 }, costUsd: 3 }]);
    expect(s.triggers()).toHaveLength(1);
    const v = s.triggers()[0]!.n.values;
    expect(v.cost_per_success_usd_day_before).toBeCloseTo(0.1, 9);
    expect(v.increase).toBeGreaterThan(2);
  });
});

describe('fallback and handoff rates', () => {
  it('fire above their threshold with enough workflows, per workflow, and resolve', () => {
    const s = new Scenario(`
rules:
  - { name: Fallbacks, kind: fallback_rate, threshold: 0.2, window: 5m, min_volume: 20, for: 1m, severity: error }
  - { name: Handoffs, kind: handoff_rate, threshold: 0.3, window: 5m, min_volume: 20, severity: warning }
`);
    const wf = (workflow: string, withFallback: number, handoff = 0) => ({
      key: { workflow },
      workflows: { success: 10 - handoff, handoff },
      withFallback,
      fallbacks: withFallback * 2,
    });
    s.run(T0 + 10 * MIN, () => [wf('refund', 1), wf('triage', 0)]);
    expect(s.sent).toEqual([]);
    const spike = s.nowMs;
    s.run(spike + 10 * MIN, () => [wf('refund', 5), wf('triage', 0, 5)]);
    const fired = s.triggers().map((t) => `${t.n.ruleName}:${t.n.labels.workflow}`);
    expect(fired.sort()).toEqual(['Fallbacks:refund', 'Handoffs:triage']);
    const fb = s.triggers().find((t) => t.n.ruleName === 'Fallbacks')!.n;
    // at the evaluation it fired, the 5m window held a mix of calm and spike
    expect(fb.values.fallback_ratio).toBeGreaterThan(0.2);
    expect(fb.values.fallbacks).toBe(fb.values.workflows_with_fallback! * 2);
    s.run(s.nowMs + 10 * MIN, () => [wf('refund', 1), wf('triage', 0)]);
    expect(
      s
        .resolves()
        .map((r) => r.n.ruleName)
        .sort(),
    ).toEqual(['Fallbacks', 'Handoffs']);
  });

  it('a spike under the minimum volume does not fire', () => {
    const s = new Scenario(`
rules:
  - { name: Fallbacks, kind: fallback_rate, threshold: 0.2, window: 5m, min_volume: 50, severity: error }
`);
    // 1 workflow per 10 s: 30 in 5m, all with fallbacks
    s.run(T0 + 30 * MIN, () => [{ workflows: { success: 1 }, withFallback: 1 }]);
    expect(s.sent).toEqual([]);
  });
});

describe('safety events', () => {
  it('count by kind and policy over a window', () => {
    const s = new Scenario(`
rules:
  - name: Blocked
    kind: safety_events
    window: 5m
    threshold: 10
    match: { kinds: [blocked] }
    severity: warning
    group_by: [policy]
`);
    s.run(T0 + 5 * MIN, () => [{ safety: { blocked: { pii: 1, secrets: 0 }, escalated: { pii: 5 } } }]);
    expect(s.triggers().map((t) => t.n.labels.policy)).toEqual(['pii']);
    expect(s.triggers()[0]!.atMs).toBe(T0 + 110_000); // the 11th event
    expect(s.triggers()[0]!.n.values.events).toBe(11);
  });
});
