import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseRules } from '../rules/load.ts';
import { exportPrometheusRules } from './prometheus-rules.ts';
import { escapeRegex, labelMatcher } from './promql.ts';

interface Group {
  name: string;
  rules: {
    record?: string;
    alert?: string;
    expr: string;
    for?: string;
    keep_firing_for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}

const exported = (yamlText: string) => {
  const text = exportPrometheusRules(parseRules(yamlText));
  const doc = parse(text) as { groups: Group[] };
  const group = doc.groups[0] as Group;
  return {
    text,
    records: group.rules.filter((r) => r.record),
    alert: (name: string) => group.rules.find((r) => r.alert === name),
  };
};

const BURN = `
rules:
  - name: FastBurn
    kind: tool_success
    objective: 0.99
    min_volume: 50
    for: 2m
    keep_firing_for: 10m
    severity: critical
    group_by: [service, tool]
    labels: { team: ai }
    annotations:
      summary: '{{ $labels.tool }} burns {{ $value | fixed 1 }}x; budget {{ $values.error_budget | percent 0 }}'
  - name: SlowBurn
    kind: tool_success
    objective: 0.99
    burn: ticket
    severity: warning
    group_by: [service, tool]
`;

describe('exportPrometheusRules', () => {
  it('records the tool error ratio and call volume per window with level:metric:operation names', () => {
    const { records } = exported(BURN);
    const names = records.map((r) => r.record);
    for (const w of ['5m', '30m', '1h', '6h', '3d'])
      expect(names).toContain(`service_tool:telltale_tool_call_errors:ratio_rate${w}`);
    expect(names).toContain('service_tool:telltale_tool_calls:increase1h');
    expect(new Set(names).size).toBe(names.length);
    const r5m = records.find((r) => r.record === 'service_tool:telltale_tool_call_errors:ratio_rate5m');
    expect(r5m?.expr).toBe(
      'sum by (service, tool) (rate(telltale_tool_calls_total{outcome="error"}[5m]))\n/\n' +
        'sum by (service, tool) (rate(telltale_tool_calls_total[5m]))',
    );
  });

  it('pages on 1h&5m above 14.4x or 6h&30m above 6x, guarded by volume, with for and keep_firing_for', () => {
    const alert = exported(BURN).alert('FastBurn');
    expect(alert?.expr).toContain(
      'service_tool:telltale_tool_call_errors:ratio_rate1h{telltale_rule=""} / 0.01 > 14.4',
    );
    expect(alert?.expr).toContain(
      'service_tool:telltale_tool_call_errors:ratio_rate5m{telltale_rule=""} / 0.01 > 14.4',
    );
    expect(alert?.expr).toContain('service_tool:telltale_tool_call_errors:ratio_rate6h{telltale_rule=""} / 0.01 > 6');
    expect(alert?.expr).toContain('service_tool:telltale_tool_call_errors:ratio_rate30m{telltale_rule=""} / 0.01 > 6');
    // Both windows of each pair hold the volume, as the engine requires.
    for (const w of ['1h', '5m', '6h', '30m'])
      expect(alert?.expr).toContain(`service_tool:telltale_tool_calls:increase${w}{telltale_rule=""} >= 50`);
    expect(alert?.expr).toContain('or on (service, tool)');
    expect(alert).toMatchObject({ for: '2m', keep_firing_for: '10m', labels: { severity: 'critical', team: 'ai' } });
  });

  it('tickets on 3d&6h above 1x, and omits for and keep_firing_for when 0', () => {
    const alert = exported(BURN).alert('SlowBurn');
    expect(alert?.expr).toContain('ratio_rate3d{telltale_rule=""} / 0.01 > 1\n');
    expect(alert?.expr).toContain('ratio_rate6h{telltale_rule=""} / 0.01 > 1\n');
    expect(alert?.for).toBeUndefined();
    expect(alert?.keep_firing_for).toBeUndefined();
  });

  it('translates annotations: labels and $value stay, constants are printed, other numbers are queried', () => {
    const summary = exported(BURN).alert('FastBurn')?.annotations?.summary;
    expect(summary).toBe('{{ $labels.tool }} burns {{ $value | printf "%.1f" }}x; budget 1%');
    const withQuery = exported(`
rules:
  - name: R
    kind: fallback_rate
    threshold: 0.2
    window: 15m
    severity: warning
    annotations: { summary: '{{ $values.fallback_ratio | percent 1 }}' }
`).alert('R')?.annotations?.summary;
    expect(withQuery).toBe(
      '{{ with printf "100 * (service_workflow:telltale_workflows_with_fallback:ratio_rate15m{telltale_rule=\\"\\", ' +
        'service=\\"%[1]s\\", workflow=\\"%[2]s\\"})" $labels.service $labels.workflow | query }}' +
        '{{ . | first | value | printf "%.1f%%" }}{{ end }}',
    );
  });

  it('gives a rule with matchers recording rules of its own, and sums its label away from the alert', () => {
    const { records, alert } = exported(`
rules:
  - name: Blocked
    kind: safety_events
    window: 5m
    threshold: 3
    match: { kinds: [blocked], policies: [{ regex: 'pii.*' }, jailbreak] }
    severity: warning
    group_by: [policy]
`);
    expect(records).toEqual([
      {
        record: 'policy:telltale_safety_events:increase5m',
        expr: 'sum by (policy) (increase(telltale_safety_events_total{kind="blocked", policy=~"(?:pii.*)|jailbreak"}[5m]))',
        labels: { telltale_rule: 'Blocked' },
      },
    ]);
    expect(alert('Blocked')?.expr).toBe(
      'max by (policy) (\n  policy:telltale_safety_events:increase5m{telltale_rule="Blocked"} > 3\n)',
    );
  });

  it('shares recording rules between alerts that read the same series', () => {
    const { records } = exported(`
rules:
  - { name: A, kind: fallback_rate, threshold: 0.2, window: 15m, severity: warning }
  - { name: B, kind: handoff_rate, threshold: 0.3, window: 15m, severity: warning }
`);
    expect(records.filter((r) => r.record === 'service_workflow:telltale_workflow_runs:increase15m')).toHaveLength(1);
  });

  it('compares cost per success with the same window a day earlier, on a judgeable baseline', () => {
    const alert = exported(`
rules:
  - name: Cost
    kind: cost_per_success
    window: 1h
    relative_to_day_before: 2
    min_volume: 20
    severity: error
`).alert('Cost');
    const cps = 'service_workflow:telltale_workflow_cost_usd_per_success:ratio_increase1h{telltale_rule=""}';
    expect(alert?.expr).toContain(`(${cps} / ${cps} offset 1d > 2)`);
    expect(alert?.expr).toContain(
      'service_workflow:telltale_workflow_runs:increase1h{telltale_rule=""} offset 1d >= 20',
    );
    expect(alert?.expr).toContain(`(${cps} offset 1d > 0 < +Inf)`);
  });

  it('names the group and sets its interval, and refuses an interval that is not a duration', () => {
    const rules = parseRules(BURN);
    const doc = parse(exportPrometheusRules(rules, { group: 'ai', interval: '30s' })) as { groups: Group[] };
    expect(doc.groups.map((g) => [g.name, (g as Group & { interval?: string }).interval])).toEqual([['ai', '30s']]);
    expect(() => exportPrometheusRules(rules, { interval: 'often' })).toThrow(/interval "often"/);
  });

  it('refuses a template that refers to a number the rule does not have', () => {
    const [rule] = parseRules(`
rules:
  - { name: A, kind: safety_events, window: 5m, threshold: 1, severity: info }
`);
    if (!rule) throw new Error('no rule');
    const spec = { ...rule.spec, annotations: { summary: '{{ $values.nope }}' } };
    expect(() => exportPrometheusRules([spec])).toThrow(
      /rule A, annotations.summary: .*\$values.nope.*have: events, threshold/,
    );
  });
});

describe('rules by tenant', () => {
  const byTenant = (kind: string) =>
    parseRules(`
rules:
  - { name: T, kind: ${kind}, threshold: 0.2, window: 15m, severity: warning, group_by: [tenant] }
`);

  it('are refused unless the metrics carry a tenant label', () => {
    expect(() => exportPrometheusRules(byTenant('fallback_rate'))).toThrow(/rule T: .*metrics.tenantLabel/);
    expect(exportPrometheusRules(byTenant('fallback_rate'), { tenantLabel: true })).toContain(
      'sum by (tenant) (rate(telltale_workflows_with_fallback_total[15m]))',
    );
  });

  it('are refused for tool success, whose series have no tenant', () => {
    const rules = parseRules(`
rules:
  - { name: T, kind: tool_success, objective: 0.99, severity: critical, group_by: [tenant, tool] }
`);
    expect(() => exportPrometheusRules(rules, { tenantLabel: true })).toThrow(
      /telltale_tool_calls_total has no tenant/,
    );
  });
});

describe('PromQL matchers', () => {
  it('match one exact value with =, several or regexes with an anchored =~', () => {
    expect(labelMatcher('tool', ['search'])).toBe('tool="search"');
    expect(labelMatcher('tool', ['a.b', { regex: 'web_.*' }])).toBe('tool=~"a\\\\.b|(?:web_.*)"');
    expect(labelMatcher('tool', undefined)).toBeUndefined();
    expect(escapeRegex('a+b(c)')).toBe('a\\+b\\(c\\)');
  });
});
