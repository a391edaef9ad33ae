import { describe, expect, it } from 'vitest';
import { resolveOptions } from './cli-options.ts';

describe('the all-in-one command line', () => {
  it('runs the demo with defaults when given nothing', () => {
    expect(resolveOptions([], {}).options).toMatchObject({ demo: true, otlpPort: 4318, port: 9465 });
  });

  it('reads the environment', () => {
    const { options } = resolveOptions([], {
      TELLTALE_DEMO: 'false',
      TELLTALE_OTLP_PORT: '14318',
      PAGERDUTY_ROUTING_KEY: 'abc',
    });
    expect(options).toMatchObject({ demo: false, otlpPort: 14318, pagerdutyRoutingKey: 'abc' });
  });

  it('lets a flag win over its variable', () => {
    const { options } = resolveOptions(['--otlp-port', '24318', '--no-demo', '--webhook-url', 'http://h/x'], {
      TELLTALE_OTLP_PORT: '14318',
      TELLTALE_DEMO: 'true',
    });
    expect(options).toMatchObject({ otlpPort: 24318, demo: false, webhookUrl: 'http://h/x' });
  });

  it('rejects a bad flag value naming the flag', () => {
    expect(() => resolveOptions(['--port', 'eighty'], {})).toThrow(/--port/);
  });
});
