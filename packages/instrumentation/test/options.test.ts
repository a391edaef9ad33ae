import { describe, expect, it } from 'vitest';
import { type OptionProblem, parseOptions } from '../src/index.ts';
import { startTestSdk } from './harness.ts';

function parse(input: unknown) {
  const problems: OptionProblem[] = [];
  const config = parseOptions(input, (p) => problems.push(p));
  return { config, problems };
}

describe('parseOptions', () => {
  it('applies the documented defaults to no options', () => {
    const { config, problems } = parse(undefined);
    expect(problems).toEqual([]);
    expect(config.content).toEqual({ capture: false, maxLength: 8192 });
    expect(config.defaultWorkflowOutcome).toBe('success');
    expect(config.instrumentations).toEqual({ http: true, express: true, undici: true });
    expect(config.metrics).toMatchObject({ enabled: true, hostMetrics: true, runtimeMetrics: true });
    expect(config.maxAttributeLength).toBe(4096);
    expect(config.exportMode).toBe('batch');
  });

  it('reports a bad field with its path and falls back to its default, keeping the good fields', () => {
    const { config, problems } = parse({
      serviceName: 'svc',
      content: { capture: 'yes', maxLength: 100 },
      endpoint: 'not a url',
      versions: { prompt: 'p1' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['content.capture', 'endpoint']);
    expect(config.serviceName).toBe('svc');
    expect(config.content.capture).toBe(false);
    expect(config.content.maxLength).toBe(100);
    expect(config.endpoint).toBeUndefined();
    expect(config.versions.prompt).toBe('p1');
  });

  it('reports an unknown option by name', () => {
    const { problems, config } = parse({ serviceNmae: 'typo', serviceName: 'ok' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('serviceNmae');
    expect(config.serviceName).toBe('ok');
  });

  it('treats options that are not an object as none at all', () => {
    for (const bad of [null, 42, 'svc', [1, 2]]) {
      const { config, problems } = parse(bad);
      expect(problems.length).toBeGreaterThan(0);
      expect(config.defaultWorkflowOutcome).toBe('success');
    }
  });
});

describe('start with bad options', () => {
  it('never throws, reports each bad option once through diag, and still records spans', async () => {
    const sdk = startTestSdk({
      // @ts-expect-error deliberately wrong type
      maxAttributeLength: 'huge',
      // @ts-expect-error deliberately wrong value
      defaultWorkflowOutcome: 'maybe',
    });
    try {
      expect(sdk.warnings.filter((w) => w.includes('option maxAttributeLength'))).toHaveLength(1);
      expect(sdk.warnings.filter((w) => w.includes('option defaultWorkflowOutcome'))).toHaveLength(1);
      sdk.telltale.tool('t', () => 1);
      expect(await sdk.spans()).toHaveLength(1);
    } finally {
      await sdk.stop();
    }
  });
});
