import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const node = resolve(import.meta.dirname, '../../../node_modules/.bin/node');
const main = resolve(import.meta.dirname, 'main.ts');

describe('support-assistant options', () => {
  it.each(['--failure-rate', '--overload-rate'])('refuses %s above 1: it is a probability', (flag) => {
    const r = spawnSync(node, [main, flag, '1.5', '--no-load'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`argument '1.5' is invalid. must be a probability from 0 to 1`);
  });
});
