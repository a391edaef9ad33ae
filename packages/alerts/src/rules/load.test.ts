import { describe, expect, it } from 'vitest';
import { RuleFileError } from '../errors.ts';
import { loadRuleFile, parseRules } from './load.ts';

function errorOf(text: string): RuleFileError {
  try {
    parseRules(text, 'rules.yaml');
  } catch (err) {
    if (err instanceof RuleFileError) return err;
    throw err;
  }
  throw new Error('expected a RuleFileError');
}

describe('the rule file', () => {
  it('ships a default that loads, with every kind in it', () => {
    const rules = loadRuleFile();
    expect(new Set(rules.map((r) => r.spec.kind))).toEqual(
      new Set(['tool_success', 'fallback_rate', 'handoff_rate', 'cost_per_success', 'safety_events']),
    );
  });

  it('parses durations, matchers and defaults', () => {
    const [rule] = parseRules(`
rules:
  - name: SearchDown
    kind: tool_success
    mode: threshold
    threshold: 0.9
    window: 10m
    for: 2m
    keep_firing_for: 1h30m
    severity: critical
    match:
      tools: [search, { regex: 'web_.*' }]
`);
    expect(rule?.forMs).toBe(120_000);
    expect(rule?.keepFiringForMs).toBe(5_400_000);
    expect(rule?.windows).toEqual([{ windowMs: 600_000, offsetMs: 0 }]);
    expect(rule?.groupBy).toEqual(['tool']);
    expect(rule?.match.tool('search')).toBe(true);
    expect(rule?.match.tool('web_fetch')).toBe(true);
    expect(rule?.match.tool('xweb_fetch')).toBe(false);
    expect(rule?.match.service('anything')).toBe(true);
  });

  it('names the rule by index and name, and the field path, for a bad value', () => {
    const err = errorOf(`
rules:
  - { name: Ok, kind: fallback_rate, threshold: 0.2, window: 5m, severity: error }
  - { name: Bad, kind: tool_success, objective: 1.5, severity: critical }
`);
    expect(err.index).toBe(1);
    expect(err.ruleName).toBe('Bad');
    expect(err.path).toBe('objective');
    expect(err.message).toMatch(/rules\[1\] \(Bad\) at objective/);
  });

  it('refuses unknown fields, bad durations, bad regexes and windows the store cannot sum exactly', () => {
    expect(
      errorOf('rules: [{ name: A, kind: fallback_rate, threshold: 0.2, window: 5m, severity: error, fro: 5m }]')
        .message,
    ).toMatch(/fro/);
    expect(
      errorOf('rules: [{ name: A, kind: fallback_rate, threshold: 0.2, window: 5 minutes, severity: error }]').path,
    ).toBe('window');
    expect(
      errorOf(
        "rules: [{ name: A, kind: fallback_rate, threshold: 0.2, window: 5m, severity: error, match: { workflows: [{ regex: '(' }] } }]",
      ).path,
    ).toBe('match.workflows.0.regex');
    expect(
      errorOf('rules: [{ name: A, kind: fallback_rate, threshold: 0.2, window: 2h3m, severity: error }]').message,
    ).toMatch(/of 5m beyond/);
  });

  it('checks fields that go together and template references', () => {
    expect(errorOf('rules: [{ name: A, kind: tool_success, severity: critical }]').path).toBe('objective');
    expect(errorOf('rules: [{ name: A, kind: cost_per_success, window: 1h, severity: error }]').path).toBe(
      'threshold_usd',
    );
    const t = errorOf(`
rules:
  - name: A
    kind: fallback_rate
    threshold: 0.2
    window: 5m
    severity: error
    annotations: { summary: '{{ $values.fallback_rate }} on {{ $labels.workflow }}' }
`);
    expect(t.path).toBe('annotations.summary');
    expect(t.message).toMatch(/no value "fallback_rate" \(have: .*fallback_ratio/);
    expect(
      errorOf(
        'rules: [{ name: A, kind: fallback_rate, threshold: 0.2, window: 5m, severity: error, match: { tools: [x] } }]',
      ).path,
    ).toBe('match.tools');
  });

  it('refuses two rules with the same name', () => {
    const err = errorOf(`
rules:
  - { name: A, kind: fallback_rate, threshold: 0.2, window: 5m, severity: error }
  - { name: A, kind: handoff_rate, threshold: 0.2, window: 5m, severity: error }
`);
    expect(err.index).toBe(1);
    expect(err.path).toBe('name');
  });
});
