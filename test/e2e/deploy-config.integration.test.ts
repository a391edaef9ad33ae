import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCommand } from '../infra/index.ts';
import { deployPath } from './deploy-files.ts';

/**
 * The Prometheus and Alertmanager files in deploy/ checked by the tools that
 * ship with the real binaries (promtool, amtool), as the compose stack runs
 * them: the compose host names stay as they are.
 */
const run = promisify(execFile);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-deploy-check-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('deploy/ for Prometheus and Alertmanager', () => {
  it('promtool accepts prometheus.yml with the exported rules it loads', async () => {
    const promtool = requireCommand('promtool', 'it comes with the Debian package prometheus');
    // promtool resolves rule_files next to the config, as Prometheus does in the container.
    await writeFile(join(dir, 'prometheus.yml'), await readFile(deployPath('prometheus', 'prometheus.yml')));
    await writeFile(join(dir, 'telltale-rules.yml'), await readFile(deployPath('prometheus', 'telltale-rules.yml')));
    const { stdout } = await run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
    expect(stdout).not.toMatch(/SUCCESS: 0 rules found/);
  });

  it('amtool accepts both Alertmanager configs (webhook only, and with PagerDuty)', async () => {
    const amtool = requireCommand('amtool', 'it comes with the Debian package prometheus-alertmanager');
    const { stdout } = await run(amtool, [
      'check-config',
      deployPath('alertmanager', 'alertmanager.yml'),
      deployPath('alertmanager', 'alertmanager.pagerduty.yml'),
    ]);
    expect(stdout.match(/SUCCESS/g)).toHaveLength(2);
  });
});
