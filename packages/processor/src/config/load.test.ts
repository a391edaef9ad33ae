import { describe, expect, it } from 'vitest';
import { tempFile } from '../../../../test/support/temp-file.ts';
import { loadConfig } from './load.ts';

const file = (text: string): string => tempFile('processor.yaml', text);

describe('processor config', () => {
  it('has working defaults for every field', () => {
    const c = loadConfig({ env: {} });
    expect(c.topics).toEqual({
      spans: 'otlp_spans',
      aggregates: 'telltale.aggregates',
      safetyEvents: 'telltale.safety-events',
      dlq: 'telltale.dlq',
    });
    expect(c.windows).toEqual({ sizeMs: 10_000, graceMs: 10_000, idleTickMs: 15_000 });
    expect(c.limits.tenants).toBe(1000);
    expect(c.encoding).toBe('otlp_proto');
  });

  it('reads a YAML file and lets environment variables win', () => {
    const c = loadConfig({
      file: file('kafka:\n  brokers: [a:1]\n  groupId: g1\nwindows:\n  sizeMs: 5000\n'),
      env: { TELLTALE_KAFKA_BROKERS: 'b:1, c:2', TELLTALE_KAFKA_SSL: 'true', TELLTALE_MAX_TENANTS: '7' },
    });
    expect(c.kafka.brokers).toEqual(['b:1', 'c:2']);
    expect(c.kafka.groupId).toBe('g1');
    expect(c.kafka.ssl.enabled).toBe(true);
    expect(c.windows.sizeMs).toBe(5000);
    expect(c.limits.tenants).toBe(7);
  });

  it('refuses a bad value naming the field path and the variable it came from', () => {
    expect(() => loadConfig({ env: { TELLTALE_WINDOW_SIZE_MS: 'ten' } })).toThrow(
      /invalid config at windows\.sizeMs: .*\(from TELLTALE_WINDOW_SIZE_MS\)/,
    );
    expect(() => loadConfig({ env: { TELLTALE_ENCODING: 'avro' } })).toThrow(/at encoding:/);
    expect(() => loadConfig({ file: file('kafka:\n  sasl:\n    mechanism: gssapi\n') })).toThrow(
      /at kafka\.sasl\.mechanism/,
    );
  });

  it('refuses a field it does not know, at its path: a misspelt key is not silently the default', () => {
    expect(() => loadConfig({ file: file('windows:\n  size: 5000\n'), env: {} })).toThrow(
      /invalid config at windows\.size: not a known field/,
    );
    expect(() => loadConfig({ file: file('kafka:\n  ssl:\n    enable: true\n'), env: {} })).toThrow(
      /at kafka\.ssl\.enable: not a known field/,
    );
    expect(() => loadConfig({ file: file('window: {}\n'), env: {} })).toThrow(/at window: not a known field/);
  });

  it('refuses a join wait longer than the grace period', () => {
    expect(() => loadConfig({ env: { TELLTALE_JOIN_WAIT_MS: '20000' } })).toThrow(
      /invalid config at join\.waitMs: must not exceed windows\.graceMs/,
    );
  });
});
