import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isComplete, markComplete } from './cache.ts';
import { InfraError } from './errors.ts';
import { freePort } from './ports.ts';
import { startProcess } from './process.ts';
import { requireCommand } from './require.ts';
import { waitUntil } from './wait.ts';

describe('the service harness fails fast and says why', () => {
  it('names a missing command and how to get it', () => {
    expect(() => requireCommand('telltale-no-such-binary', 'install it with apt-get install nothing')).toThrow(
      new InfraError('telltale-no-such-binary not found: install it with apt-get install nothing'),
    );
  });

  it('reports a process that exits before it is ready, with its exit code and output, instead of waiting out the timeout', async () => {
    const started = startProcess({
      name: 'doomed',
      command: 'sh',
      args: ['-c', 'echo "config error: port 1 is taken" >&2; exit 3'],
      ready: async () => false,
      timeoutMs: 60_000,
    });
    await expect(started).rejects.toThrow(
      /doomed \(sh\): exited with code 3 before it was ready[\s\S]*port 1 is taken/,
    );
  });

  it('gives up on readiness at the timeout and stops the process', async () => {
    const started = startProcess({
      name: 'sleeper',
      command: 'sh',
      args: ['-c', 'echo $$; exec sleep 30'],
      ready: async () => false,
      timeoutMs: 300,
    }).catch((err: unknown) => err);
    const err = await started;
    expect(err).toBeInstanceOf(InfraError);
    expect(String(err)).toMatch(/sleeper \(sh\): not ready after 300 ms/);
    const pid = Number(/output:\n(\d+)/.exec(String(err))?.[1] ?? 0);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('stops a running process with SIGTERM and reports its exit', async () => {
    const proc = await startProcess({ name: 'idle', command: 'sleep', args: ['30'] });
    await proc.stop();
    expect(await proc.exited).toBeNull();
  });

  it('waitUntil throws with the last probe error when time runs out', async () => {
    await expect(
      waitUntil(
        async () => {
          throw new Error('connection refused');
        },
        { what: 'the thing', timeoutMs: 100, intervalMs: 10 },
      ),
    ).rejects.toThrow('the thing: not ready after 100 ms (last error: connection refused)');
  });

  it('hands out ports that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65_536);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    expect((server.address() as AddressInfo).port).toBe(port);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('the artifact cache', () => {
  it('counts a directory as cached only once it is marked complete (an interrupted fetch or build is redone)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'telltale-cache-'));
    expect(isComplete(dir)).toBe(false);
    markComplete(dir);
    expect(isComplete(dir)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
