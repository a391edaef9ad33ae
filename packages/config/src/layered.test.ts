import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempFile } from '../../../test/support/temp-file.ts';
import { loadLayeredConfig } from './layered.ts';

const schema = z.object({
  server: z.object({ port: z.coerce.number().int().min(1).max(65_535).default(9000) }).prefault({}),
  pager: z.object({ routingKey: z.string().min(1).optional() }).prefault({}),
});
const envVars = { APP_PORT: ['server', 'port'], APP_ROUTING_KEY: ['pager', 'routingKey'] } as const;

const file = (text: string): string => tempFile('config.yaml', text);

describe('layered configuration', () => {
  it('applies defaults, then the file, then the environment', () => {
    expect(loadLayeredConfig({ schema, envVars, env: {} })).toEqual({
      ok: true,
      data: { server: { port: 9000 }, pager: {} },
    });
    const f = file('server:\n  port: 9100\n');
    expect(loadLayeredConfig({ schema, envVars, file: f, env: {} })).toMatchObject({
      data: { server: { port: 9100 } },
    });
    expect(loadLayeredConfig({ schema, envVars, file: f, env: { APP_PORT: '9200' } })).toMatchObject({
      data: { server: { port: 9200 } },
    });
  });

  it('names the bad field, and the variable it came from', () => {
    expect(loadLayeredConfig({ schema, envVars, env: { APP_PORT: '70000' } })).toMatchObject({
      ok: false,
      path: 'server.port',
      message: expect.stringContaining('(from APP_PORT)'),
    });
    expect(loadLayeredConfig({ schema, envVars, file: file('server:\n  port: 0\n'), env: {} })).toMatchObject({
      ok: false,
      path: 'server.port',
    });
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the file syntax under test is literally ${env:NAME}
  it('replaces ${env:NAME} in the file, and refuses an unset one at its path', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the file syntax under test
    const f = file('pager:\n  routingKey: "${env:PD_KEY}"\n');
    expect(loadLayeredConfig({ schema, envVars, file: f, env: { PD_KEY: 'r0ut1ng' } })).toMatchObject({
      data: { pager: { routingKey: 'r0ut1ng' } },
    });
    expect(loadLayeredConfig({ schema, envVars, file: f, env: {} })).toEqual({
      ok: false,
      path: 'pager.routingKey',
      message: 'environment variable PD_KEY is not set',
    });
  });

  it('says what is wrong with a file that is missing, not YAML, or not a mapping', () => {
    expect(loadLayeredConfig({ schema, envVars, file: '/nonexistent/telltale.yaml', env: {} })).toMatchObject({
      ok: false,
      path: '(file)',
      message: expect.stringContaining('cannot read /nonexistent/telltale.yaml'),
    });
    expect(loadLayeredConfig({ schema, envVars, file: file('server: [1, 2\n'), env: {} })).toMatchObject({
      ok: false,
      path: '(file)',
      message: expect.stringContaining('is not valid YAML'),
    });
    expect(loadLayeredConfig({ schema, envVars, file: file('- a\n- b\n'), env: {} })).toMatchObject({
      ok: false,
      path: '(root)',
    });
  });

  it('reads YAML merge keys, so shared settings can be written once', () => {
    const f = file('base: &base\n  port: 9300\nserver:\n  <<: *base\n');
    expect(loadLayeredConfig({ schema, envVars, file: f, env: {} })).toMatchObject({
      ok: true,
      data: { server: { port: 9300 } },
    });
  });

  it('treats an empty file as no settings', () => {
    expect(loadLayeredConfig({ schema, envVars, file: file(''), env: {} })).toMatchObject({ ok: true });
  });

  it('names a key the schema does not know down to the key, and every other unknown one beside it', () => {
    const strict = z.strictObject({ server: z.strictObject({ port: z.number().optional() }).prefault({}) });
    expect(
      loadLayeredConfig({ schema: strict, envVars: {}, file: file('server:\n  prot: 1\n  hots: x\n'), env: {} }),
    ).toEqual({ ok: false, path: 'server.prot', message: 'not a known field (nor "hots")' });
    expect(loadLayeredConfig({ schema: strict, envVars: {}, file: file('sever: {}\n'), env: {} })).toMatchObject({
      path: 'sever',
    });
  });
});
