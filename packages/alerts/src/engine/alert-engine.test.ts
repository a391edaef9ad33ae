import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIN, Scenario, T0, toolCalls } from '../../test/scenario.ts';
import { DEFAULT_RULES_FILE } from '../rules/load.ts';

const H = 60 * MIN;

/** A 99.9% tool SLO paged by the SRE workbook's fast-burn windows. */
const BURN_RULES = `
rules:
  - name: ToolSuccessFastBurn
    kind: tool_success
    objective: 0.999
    burn: page
    min_volume: 50
    severity: critical
    keep_firing_for: 10m
    group_by: [tool]
    annotations:
      summary: '{{ $labels.tool }} success {{ $values.success_ratio_5m | percent }} over 5m, burn {{ $values.burn_rate_1h | fixed 1 }}x over 1h'
`;

describe('tool success, multiwindow multi-burn-rate', () => {
  it('pages once when a tool drops from 99.9% to 90%, within the documented 8–9 minutes, and resolves after recovery', () => {
    const s = new Scenario(BURN_RULES);
    // 7h of history first, so the 6h window is full of the good baseline.
    const drop = T0 + 7 * H;
    const recover = drop + 20 * MIN;
    // 1000 calls per 10 s; 99.9% before the drop, 90% for 20 minutes, 99.9% again after.
    s.run(recover + 2 * H, (t) => [{ tools: toolCalls('search', 1000, t >= drop && t < recover ? 0.9 : 0.999) }]);

    const triggers = s.triggers();
    expect(triggers).toHaveLength(1);
    const trigger = triggers[0]!;
    // 1h error ratio > 14.4 × 0.1%: (0.1 t + 0.001 (60 − t)) / 60 > 0.0144 ⇒ t > 8.12 min (README, "detection time").
    expect(trigger.atMs - drop).toBeGreaterThan(8 * MIN);
    expect(trigger.atMs - drop).toBeLessThanOrEqual(9 * MIN);
    expect(trigger.n).toMatchObject({
      action: 'trigger',
      ruleName: 'ToolSuccessFastBurn',
      severity: 'critical',
      labels: { alertname: 'ToolSuccessFastBurn', severity: 'critical', tool: 'search' },
    });
    expect(trigger.n.values.success_ratio_5m).toBeCloseTo(0.9, 5);
    expect(trigger.n.annotations.summary).toMatch(/^search success 90\.00% over 5m, burn 14\.\dx over 1h$/);

    const resolves = s.resolves();
    expect(resolves).toHaveLength(1);
    const resolve = resolves[0]!;
    expect(resolve.n.dedupKey).toBe(trigger.n.dedupKey);
    expect(resolve.n.endsAt?.getTime()).toBe(resolve.atMs);
    expect(resolve.n.startsAt.getTime()).toBe(trigger.atMs);
    // The 6h/30m pair holds while the 30m window still has ≥ 0.6% errors: until ≈28.5 min after recovery;
    // then keep_firing_for (10m) before the resolve.
    expect(resolve.atMs - recover).toBeGreaterThan(38 * MIN);
    expect(resolve.atMs - recover).toBeLessThanOrEqual(40 * MIN);
  });

  it('does not page on a blip under the minimum volume, but the same blip with volume does', () => {
    const quiet = new Scenario(BURN_RULES);
    // 1 call every 2 minutes: 30 an hour, 15 in 30 minutes, under min_volume (50) in every window but 6h.
    const blip = T0 + 7 * H;
    quiet.run(blip + H, (t) => {
      if ((t - T0) % (2 * MIN) !== 0) return [];
      return [{ tools: toolCalls('lookup', 1, t >= blip && t < blip + 10 * MIN ? 0 : 1) }];
    });
    expect(quiet.sent).toEqual([]);
    expect(quiet.engine.rules()[0]?.groups).toBe(1);

    const busy = new Scenario(BURN_RULES);
    busy.run(blip + H, (t) => [{ tools: toolCalls('lookup', 10, t >= blip && t < blip + 10 * MIN ? 0 : 1) }]);
    expect(busy.triggers()).toHaveLength(1);
  });

  it('ticket windows (3d and 6h above 1x) catch a slow burn the page windows do not', () => {
    const s = new Scenario(`
rules:
  - { name: Page, kind: tool_success, objective: 0.99, burn: page, min_volume: 50, severity: critical }
  - { name: Ticket, kind: tool_success, objective: 0.99, burn: ticket, min_volume: 50, severity: warning }
`);
    // 97% success: burn 3x — under 6x and 14.4x, over 1x.
    s.run(T0 + 8 * H, () => [{ tools: toolCalls('search', 100, 0.97) }]);
    expect(s.triggers().map((t) => t.n.ruleName)).toEqual(['Ticket']);
  });
});

describe('the shipped default rules', () => {
  it('page a tool dropping from 99.9% to 90% within the documented 43 minutes, and only once', () => {
    const s = new Scenario(readFileSync(DEFAULT_RULES_FILE, 'utf8'));
    const drop = T0 + 7 * H;
    s.run(drop + 50 * MIN, (t) => [{ tools: toolCalls('web_search', 100, t >= drop ? 0.9 : 0.999) }]);
    const pages = s.triggers().filter((t) => t.n.ruleName === 'ToolSuccessFastBurn');
    expect(pages).toHaveLength(1);
    // 1h error ratio > 14.4 × 0.5%: (0.1 t + 0.001 (60 − t)) / 60 > 0.072 ⇒ t > 43.0 min
    expect(pages[0]!.atMs - drop).toBeGreaterThan(42 * MIN);
    expect(pages[0]!.atMs - drop).toBeLessThanOrEqual(44 * MIN);
    expect(pages[0]!.n.labels).toMatchObject({ service: 'support', tool: 'web_search', severity: 'critical' });
    expect(pages[0]!.n.annotations.summary).toMatch(
      /^Tool web_search \(support\) is failing fast: success 90\.00% over 5m/,
    );
  });
});

describe('the alert lifecycle', () => {
  const THRESHOLD = `
rules:
  - name: SearchLow
    kind: tool_success
    mode: threshold
    threshold: 0.95
    window: 1m
    min_volume: 10
    for: 2m
    keep_firing_for: 3m
    severity: error
`;

  it('goes pending, fires after `for`, and a flap shorter than `for` never pages', () => {
    const s = new Scenario(THRESHOLD);
    const bad = T0 + 10 * MIN;
    // a 30-second dip: pending while it is in the 1m window (90 s < for), then inactive
    s.run(T0 + 20 * MIN, (t) => [{ tools: toolCalls('search', 100, t >= bad && t < bad + 30_000 ? 0.5 : 1) }]);
    expect(s.sent).toEqual([]);
    // a long dip: pending at the first bad evaluation, firing `for` later
    const bad2 = s.nowMs;
    s.run(bad2 + 5 * MIN, () => [{ tools: toolCalls('search', 100, 0.5) }]);
    expect(s.triggers()).toHaveLength(1);
    expect(s.triggers()[0]!.atMs).toBe(bad2 + 10_000 + 2 * MIN);
    expect(s.engine.alerts()[0]).toMatchObject({ state: 'firing', paged: true });
  });

  it('keeps firing through a short recovery (keep_firing_for) and resolves once after a real one', () => {
    const s = new Scenario(THRESHOLD);
    s.run(T0 + 5 * MIN, () => [{ tools: toolCalls('search', 100, 0.5) }]);
    expect(s.triggers()).toHaveLength(1);
    const good = s.nowMs;
    // 2 minutes good (less than keep_firing_for after the 1m window drains), then bad again: no resolve, no new trigger
    s.run(good + 2 * MIN, () => [{ tools: toolCalls('search', 100, 1) }]);
    s.run(good + 4 * MIN, () => [{ tools: toolCalls('search', 100, 0.5) }]);
    expect(s.resolves()).toHaveLength(0);
    const recovered = s.nowMs;
    s.run(recovered + 10 * MIN, () => [{ tools: toolCalls('search', 100, 1) }]);
    expect(s.triggers()).toHaveLength(1);
    expect(s.resolves()).toHaveLength(1);
    // the 1m window is clean 1 min after recovery; keep_firing_for adds 3 min
    expect(s.resolves()[0]!.atMs - recovered).toBeGreaterThanOrEqual(3 * MIN);
    expect(s.resolves()[0]!.atMs - recovered).toBeLessThanOrEqual(4 * MIN + 10_000);
    expect(s.engine.alerts()).toEqual([]);
  });

  it('gives each label set its own instance and a stable dedup key', () => {
    const s = new Scenario(THRESHOLD);
    s.run(T0 + 5 * MIN, () => [
      { tools: { ...toolCalls('a', 100, 0.5), ...toolCalls('b', 100, 0.5), ...toolCalls('c', 100, 1) } },
    ]);
    const keys = s.triggers().map((t) => t.n.dedupKey);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    for (const k of keys) expect(k.length).toBeLessThanOrEqual(255);
    const again = new Scenario(THRESHOLD);
    again.run(T0 + 5 * MIN, () => [{ tools: { ...toolCalls('b', 100, 0.5), ...toolCalls('a', 100, 0.5) } }]);
    expect(new Set(again.triggers().map((t) => t.n.dedupKey))).toEqual(new Set(keys));
  });
});
