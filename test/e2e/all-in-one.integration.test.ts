import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, httpReady, type ManagedProcess, startProcess, waitUntil } from '../infra/index.ts';
import { REPO_ROOT } from './deploy-files.ts';

/**
 * `npm start` as a newcomer runs it, sped up: the all-in-one as a child
 * process with its demo, whose tool fails 5 s in and recovers 20 s later. The
 * console pager must print one trigger line and then one resolve line.
 */

let app: ManagedProcess | undefined;
let stateDir = '';

afterAll(async () => {
  await app?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe('npm start (the all-in-one with its demo)', () => {
  it('prints the page when the demo tool fails and the resolve when it recovers', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'telltale-all-in-one-'));
    const [otlpPort, port] = [await freePort(), await freePort()];
    app = await startProcess({
      name: 'all-in-one',
      command: process.execPath,
      args: [
        'packages/all-in-one/src/main.ts',
        '--otlp-port',
        String(otlpPort),
        '--port',
        String(port),
        '--fail-after',
        '5',
        '--recover-after',
        '25',
        '--demo-rate',
        '10',
        '--state-dir',
        stateDir,
      ],
      cwd: REPO_ROOT,
      ready: () => httpReady(`http://127.0.0.1:${port}/readyz`),
      timeoutMs: 60_000,
    });
    const out = () => app?.output() ?? '';
    await waitUntil(async () => out().includes('telltale all-in-one is running'), {
      what: 'the all-in-one banner',
      timeoutMs: 60_000,
    });
    expect(out()).toContain(`http://127.0.0.1:${otlpPort}`);
    expect(out()).toContain(`http://127.0.0.1:${port}/metrics`);

    await waitUntil(async () => /FIRING \[critical\] ToolSuccessLow .*tool=lookup_order/.test(out()), {
      what: 'the console page for lookup_order',
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    await waitUntil(async () => /RESOLVED \[critical\] ToolSuccessLow .*tool=lookup_order/.test(out()), {
      what: 'the console resolve for lookup_order',
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    const lines = out().split('\n');
    expect(lines.filter((l) => / FIRING \[critical\] ToolSuccessLow /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => / RESOLVED \[critical\] ToolSuccessLow /.test(l))).toHaveLength(1);
    // The firing line comes first and names the tool; the API shows no firing alert any more.
    expect(out().indexOf(' FIRING ')).toBeLessThan(out().indexOf(' RESOLVED '));
    const alerts = (await (await fetch(`http://127.0.0.1:${port}/api/v1/alerts`)).json()) as unknown;
    expect(JSON.stringify(alerts)).not.toContain('"firing"');

    await app.stop('SIGINT');
    expect(await app.exited).toBe(0);
  });
});
