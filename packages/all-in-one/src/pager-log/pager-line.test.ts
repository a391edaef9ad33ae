import { describe, expect, it } from 'vitest';
import { pagerLine } from './pager-line.ts';

const alert = {
  status: 'firing' as const,
  labels: {
    alertname: 'ToolSuccessBurnRate',
    severity: 'critical',
    tool: 'search_kb',
    service: 'support-assistant',
    team: 'ai',
  },
  annotations: { summary: 'search_kb fails 40% of calls' },
  startsAt: '2026-11-23T10:00:00Z',
};

describe('pagerLine', () => {
  it('puts where the problem is first, in a fixed order, then other labels, then the summary', () => {
    expect(pagerLine(alert)).toBe(
      'PAGE     [critical] ToolSuccessBurnRate service=support-assistant tool=search_kb team=ai — search_kb fails 40% of calls',
    );
  });

  it('says how long a resolved alert fired', () => {
    const resolved = { ...alert, status: 'resolved' as const, endsAt: '2026-11-23T10:03:12Z' };
    expect(pagerLine(resolved)).toBe(
      'RESOLVED [critical] ToolSuccessBurnRate service=support-assistant tool=search_kb team=ai (firing 3m12s)',
    );
  });

  it('leaves the duration out when the end is Alertmanager zero time', () => {
    const resolved = { ...alert, status: 'resolved' as const, startsAt: '0001-01-01T00:00:00Z' };
    expect(pagerLine(resolved)).not.toContain('firing');
  });

  it('copes with an alert without a name or severity', () => {
    expect(pagerLine({ status: 'firing', labels: {}, annotations: {}, startsAt: '' })).toBe(
      'PAGE     [none] (no alertname)',
    );
  });
});
