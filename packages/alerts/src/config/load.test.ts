import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { routeChannels } from './channels.ts';
import { loadConfig, parseConfig } from './load.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telltale-alerts-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(text: string): string {
  const p = join(dir, 'alerts.yaml');
  writeFileSync(p, text);
  return p;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the config', () => {
  it('has working defaults: Kafka on, one console channel, every duration in ms', () => {
    const c = loadConfig({ env: {} });
    expect(c.kafka).toMatchObject({ enabled: true, groupId: 'telltale-alerts', topic: 'telltale.aggregates' });
    expect(c.channels).toEqual([{ name: 'console', type: 'console' }]);
    expect(c.rules.evaluationInterval).toBe(10_000);
    expect(c.pager.resendInterval).toBe(60_000);
    expect(c.server.port).toBe(9465);
  });

  it('reads a YAML file, expands env placeholders, and lets TELLTALE_ALERTS_* win', () => {
    const c = loadConfig({
      file: file(`
kafka: { brokers: [a:9092], sasl: { mechanism: scram-sha-512, username: u, password: '\${env:KPASS}' } }
channels:
  - { name: pd, type: pagerduty, routingKey: '\${env:PD_KEY}', timeout: 5s, retries: 3 }
  - { name: am, type: alertmanager, url: 'http://am:9093' }
routes:
  - { severities: [critical], channels: [pd, am] }
  - { rules: [CostHigh], channels: [am] }
`),
      env: { KPASS: 'secret', PD_KEY: 'R0UT1NG', TELLTALE_ALERTS_KAFKA_BROKERS: 'b:9092, c:9092' },
    });
    expect(c.kafka.brokers).toEqual(['b:9092', 'c:9092']);
    expect(c.kafka.sasl?.password).toBe('secret');
    expect(c.channels[0]).toMatchObject({ type: 'pagerduty', routingKey: 'R0UT1NG', timeout: 5_000, retries: 3 });
    expect(routeChannels(c, 'ToolDown', 'critical')).toEqual(['pd', 'am']);
    expect(routeChannels(c, 'CostHigh', 'warning')).toEqual(['am']);
    expect(routeChannels(c, 'Other', 'warning')).toEqual([]);
  });

  it('names the bad field, and the variable it came from', () => {
    expect(errorOf(() => loadConfig({ env: { TELLTALE_ALERTS_PORT: 'x' } })).message).toMatch(
      /server\.port: .*\(from TELLTALE_ALERTS_PORT\)/,
    );
    expect(errorOf(() => parseConfig({ channels: [{ name: 'w', type: 'webhook', url: 'not a url' }] })).path).toBe(
      'channels.0.url',
    );
    expect(errorOf(() => parseConfig({ rules: { evaluationInterval: '10 seconds' } })).path).toBe(
      'rules.evaluationInterval',
    );
    // Beyond what a timer holds (Node.js would then fire it every millisecond), and blank text (not 0).
    for (const evaluationInterval of ['30d', '0s'])
      expect(errorOf(() => parseConfig({ rules: { evaluationInterval } })).path).toBe('rules.evaluationInterval');
    expect(errorOf(() => loadConfig({ env: { TELLTALE_ALERTS_PORT: ' ' } })).path).toBe('server.port');
    expect(
      errorOf(() =>
        loadConfig({ file: file(`channels: [{ name: pd, type: pagerduty, routingKey: '\${env:NOPE}' }]`), env: {} }),
      ).message,
    ).toMatch(/channels\.0\.routingKey: environment variable NOPE is not set/);
  });

  it('refuses a field it does not know, at its path: a misspelt key is not silently the default', () => {
    const typo = errorOf(() =>
      loadConfig({
        file: file('channels: [{ name: pd, type: pagerduty, routing_key: abc, routingKey: abc }]'),
        env: {},
      }),
    );
    expect(typo.path).toBe('channels.0.routing_key');
    expect(typo.message).toMatch(/not a known field/);
    expect(errorOf(() => parseConfig({ pager: { resend: '1m' } })).path).toBe('pager.resend');
    expect(errorOf(() => parseConfig({ metric: {} })).path).toBe('metric');
  });

  it('refuses routes to channels that do not exist and duplicate channel names', () => {
    const bad = errorOf(() =>
      parseConfig({
        channels: [{ name: 'hook', type: 'webhook', url: 'http://x/' }],
        routes: [{ channels: ['hook', 'pagerduty'] }],
      }),
    );
    expect(bad.path).toBe('routes.0.channels.1');
    expect(bad.message).toMatch(/no channel named "pagerduty" \(have: hook\)/);
    expect(
      errorOf(() =>
        parseConfig({
          channels: [
            { name: 'a', type: 'console' },
            { name: 'a', type: 'console' },
          ],
        }),
      ).path,
    ).toBe('channels.1.name');
  });
});
