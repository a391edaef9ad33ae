import { describe, expect, it } from 'vitest';
import { MIN, Scenario, T0, toolCalls } from '../../test/scenario.ts';

const RULES = `
rules:
  - { name: Low, kind: tool_success, mode: threshold, threshold: 0.9, window: 1m, min_volume: 10, severity: critical }
`;

describe('silences', () => {
  it('keep a matching alert from paging while active; it pages when the silence ends if it still fires', () => {
    const s = new Scenario(RULES);
    const silence = s.engine.silences.add({
      matchers: [{ name: 'tool', value: 'sea.*', isRegex: true }],
      startsAt: T0,
      endsAt: T0 + 10 * MIN,
      createdBy: 'sre',
      comment: 'search vendor maintenance',
    });
    s.run(T0 + 5 * MIN, () => [{ tools: { ...toolCalls('search', 100, 0.5), ...toolCalls('crm', 100, 0.5) } }]);
    expect(s.triggers().map((t) => t.n.labels.tool)).toEqual(['crm']);
    expect(s.engine.alerts().find((a) => a.groupLabels.tool === 'search')).toMatchObject({
      state: 'firing',
      paged: false,
      silencedBy: silence.id,
    });
    s.run(T0 + 12 * MIN, () => [{ tools: { ...toolCalls('search', 100, 0.5), ...toolCalls('crm', 100, 0.5) } }]);
    const search = s.triggers().filter((t) => t.n.labels.tool === 'search');
    expect(search).toHaveLength(1);
    expect(search[0]!.atMs).toBe(T0 + 10 * MIN);
  });

  it('an alert that ends under its silence never pages, and sends no resolve', () => {
    const s = new Scenario(RULES);
    s.engine.silences.add({
      matchers: [{ name: 'alertname', value: 'Low', isRegex: false }],
      startsAt: T0,
      endsAt: T0 + 60 * MIN,
      createdBy: 'sre',
      comment: 'known',
    });
    s.run(T0 + 5 * MIN, () => [{ tools: toolCalls('search', 100, 0.5) }]);
    s.run(T0 + 10 * MIN, () => [{ tools: toolCalls('search', 100, 1) }]);
    expect(s.sent).toEqual([]);
    expect(s.engine.alerts()).toEqual([]);
  });

  it('survive a restart with the alert state', () => {
    const s = new Scenario(RULES);
    s.engine.silences.add({
      matchers: [{ name: 'tool', value: 'search', isRegex: false }],
      startsAt: T0,
      endsAt: T0 + 60 * MIN,
      createdBy: 'sre',
      comment: 'known',
    });
    s.restart();
    s.run(T0 + 5 * MIN, () => [{ tools: toolCalls('search', 100, 0.5) }]);
    expect(s.sent).toEqual([]);
    expect(s.engine.silences.list(s.nowMs)).toHaveLength(1);
  });
});
