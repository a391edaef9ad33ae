import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions } from './options.ts';

describe('all-in-one options', () => {
  it('default to the demo on :4318 and :9465, on this machine only', () => {
    const o = parseOptions({});
    expect(o).toMatchObject({ host: '127.0.0.1', otlpPort: 4318, port: 9465, demo: true, console: true });
    expect(o.failAfter).toBeLessThan(o.recoverAfter);
  });

  it('take environment strings for numbers, booleans and lists', () => {
    const o = parseOptions({ demo: 'false', otlpPort: '14318', demoTenants: 'a, b ,c', demoFailureRate: '0.5' });
    expect(o).toMatchObject({ demo: false, otlpPort: 14318, demoTenants: ['a', 'b', 'c'], demoFailureRate: 0.5 });
  });

  it('name the flag and the variable of a bad value', () => {
    expect(() => parseOptions({ otlpPort: '99999' })).toThrow(OptionsError);
    expect(() => parseOptions({ otlpPort: '99999' })).toThrow(/otlpPort \(--otlp-port \/ TELLTALE_OTLP_PORT\)/);
    expect(() => parseOptions({ alertmanagerUrl: 'not a url' })).toThrow(/--alertmanager-url/);
    expect(() => parseOptions({ demoTool: 'teleport' })).toThrow(/--demo-tool/);
  });

  it('refuse the same port for the receiver and the API', () => {
    expect(() => parseOptions({ otlpPort: 5000, port: 5000 })).toThrow(/port .*must differ from otlpPort/);
  });
});
