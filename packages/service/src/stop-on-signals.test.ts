import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const node = resolve(import.meta.dirname, '../../../node_modules/.bin/node');
const script = resolve(import.meta.dirname, '../test/stopping-service.ts');

async function start(env: Record<string, string> = {}): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(node, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString('utf8');
  });
  while (!out.includes('ready')) await once(child.stdout as NodeJS.ReadableStream, 'data');
  return { child, output: () => out };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('stopOnSignals', () => {
  it('runs stop on SIGTERM and exits 0 once it is done', async () => {
    const { child, output } = await start();
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    expect(output()).toContain('"signal":"SIGTERM","msg":"stopping: finishing up"');
    expect(output()).toContain('"msg":"stopped"');
  });

  it('exits 1 with the error when stop fails', async () => {
    const { child, output } = await start({ STOP_FAILS: '1' });
    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('disk full');
    expect(output()).not.toContain('"msg":"stopped"');
  });

  it('exits 1 at once on a second signal while stop is still running', async () => {
    const { child, output } = await start({ STOP_MS: '60000' });
    child.kill('SIGTERM');
    while (!output().includes('stopping: finishing up')) await once(child.stdout as NodeJS.ReadableStream, 'data');
    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('stopping already; exiting now');
  });
});
