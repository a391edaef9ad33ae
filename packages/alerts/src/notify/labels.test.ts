import { describe, expect, it } from 'vitest';
import { labelsFingerprint, labelsString, promLabels } from './labels.ts';

describe('labelsFingerprint', () => {
  // Vectors from prometheus/common model/fingerprinting tests (labelSetToFingerprint).
  it('matches Prometheus for the empty set', () => {
    expect(BigInt(`0x${labelsFingerprint({})}`)).toBe(14695981039346656037n);
  });

  it('matches Prometheus for a two-label set, whatever the key order', () => {
    const fp = labelsFingerprint({ name: 'garland, briggs', fear: 'love is not enough' });
    expect(BigInt(`0x${fp}`)).toBe(5799056148416392346n);
    expect(labelsFingerprint({ fear: 'love is not enough', name: 'garland, briggs' })).toBe(fp);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tells {a="bc"} from {ab="c"}', () => {
    expect(labelsFingerprint({ a: 'bc' })).not.toBe(labelsFingerprint({ ab: 'c' }));
  });
});

describe('labelsString', () => {
  it('prints sorted, quoted pairs as Alertmanager does', () => {
    expect(labelsString({ tool: 'search', alertname: 'X' })).toBe('{alertname="X", tool="search"}');
  });
});

describe('promLabels', () => {
  it('makes names valid and drops empty values', () => {
    expect(promLabels({ 'gen_ai.tool.name': 'search', '9lives': 'x', empty: '', ok: 'y' })).toEqual({
      gen_ai_tool_name: 'search',
      _9lives: 'x',
      ok: 'y',
    });
  });
});
