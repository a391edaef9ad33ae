/** The export-rules command's refusals, as a process: one line on stderr, the exit code, no stack. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./main.ts', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'export-rules', ...args], { encoding: 'utf8' });

describe('telltale-alerts export-rules', () => {
  it('refuses an interval that is not a duration with exit 2 and one line', () => {
    const r = run('--interval', 'bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('telltale-alerts: --interval "bogus" is not a duration (e.g. 30s, 1m)');
  });

  it('says where it could not write, with exit 1 and no stack', () => {
    const r = run('--out', '/nonexistent-dir/rules.yml');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^telltale-alerts: cannot write \/nonexistent-dir\/rules\.yml: ENOENT/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
