import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../../..');
const node = resolve(repo, 'node_modules/.bin/node');
const main = resolve(import.meta.dirname, 'main.ts');

describe('telltale-pager-log options', () => {
  it('refuses a bad port from the environment with one line naming the variable, not a stack', () => {
    const r = spawnSync(node, [main], { env: { ...process.env, TELLTALE_PAGER_LOG_PORT: 'abc' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "error: option '--port <port>' value 'abc' from env 'TELLTALE_PAGER_LOG_PORT' is invalid. a port number 0-65535",
    );
  });

  it('refuses a bad --port the same way', () => {
    const r = spawnSync(node, [main, '--port', '70000'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("option '--port <port>' argument '70000' is invalid");
  });
});
