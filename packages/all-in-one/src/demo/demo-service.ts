import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ToolName } from '@telltale/example-support-assistant';
import type { Logger } from 'pino';

/**
 * The demo workload: the example support assistant (instrumented with the
 * SDK) as its own process, exporting OTLP/HTTP to the embedded receiver like
 * any service would, under a steady load for a few tenants. On a schedule it
 * makes one tool fail and later recover, through the assistant's own
 * POST /failing-tool, so the alert fires and resolves.
 *
 * A separate process, not in-process: the SDK instruments http globally, and
 * the all-in-one's own servers must not trace themselves into their receiver.
 */

export interface DemoOptions {
  /** Base OTLP/HTTP URL the assistant exports to. */
  otlpUrl: string;
  /** Requests per second. */
  rate: number;
  tenants: readonly string[];
  /** The tool that fails, and how often its calls fail meanwhile (0..1). */
  failingTool: ToolName;
  failureRate: number;
  /** From the start of the demo; `recoverAfterMs` ≤ `failAfterMs` means the tool never recovers. */
  failAfterMs: number;
  recoverAfterMs: number;
  logger: Logger;
  /** How long the assistant may take to come up. Default 60 s. */
  startTimeoutMs?: number;
}

export interface RunningDemo {
  /** The assistant's HTTP address (POST /support, GET /tally, POST /failing-tool). */
  url: string;
  stop(): Promise<void>;
}

const ASSISTANT_MAIN = join(
  dirname(fileURLToPath(import.meta.resolve('@telltale/example-support-assistant'))),
  'main.ts',
);

export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const log = opts.logger.child({ component: 'demo' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      ASSISTANT_MAIN,
      '--port',
      String(port),
      '--endpoint',
      opts.otlpUrl,
      '--rate',
      String(opts.rate),
      '--tenants',
      opts.tenants.join(','),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OTEL_LOG_LEVEL: process.env.OTEL_LOG_LEVEL ?? 'error' },
    },
  );
  // The assistant logs a JSON line per request: kept at debug level, and the tail kept for a crash report.
  let tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      log.debug({ line }, 'assistant output');
      tail = [...tail.slice(-19), line];
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let stopping = false;
  // Whatever ends this process (an uncaught error, process.exit) also ends the demo, so it never sends on alone.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  exited.then(() => process.off('exit', killOnExit));
  exited.then(([code, signal]) => {
    if (!stopping) log.error({ code, signal, output: tail.join('\n') }, 'the demo assistant exited unexpectedly');
  });

  try {
    await waitReady(`${url}/tally`, child, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    stopping = true;
    child.kill('SIGKILL');
    throw new Error(`the demo assistant did not start: ${(err as Error).message}\n${tail.join('\n')}`);
  }
  log.info(
    { url, rate: opts.rate, tenants: opts.tenants },
    `demo: support assistant running, ${opts.rate} requests/s for tenants ${opts.tenants.join(', ')}`,
  );

  const setFailing = async (tool: ToolName | null, rate: number): Promise<void> => {
    const res = await fetch(`${url}/failing-tool`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tool, rate }),
    });
    if (res.status !== 204) throw new Error(`POST /failing-tool answered ${res.status}: ${await res.text()}`);
  };
  const timers = [
    setTimeout(() => {
      setFailing(opts.failingTool, opts.failureRate).then(
        () =>
          log.warn(
            `demo: tool ${opts.failingTool} starts failing now (${Math.round(opts.failureRate * 100)}% of calls); watch for the page`,
          ),
        (err: Error) => log.error({ err }, 'demo: could not make the tool fail'),
      );
    }, opts.failAfterMs),
  ];
  if (opts.recoverAfterMs > opts.failAfterMs)
    timers.push(
      setTimeout(() => {
        setFailing(null, 1).then(
          () => log.warn(`demo: tool ${opts.failingTool} recovered; the alert resolves once the window is clean`),
          (err: Error) => log.error({ err }, 'demo: could not make the tool recover'),
        );
      }, opts.recoverAfterMs),
    );
  for (const t of timers) t.unref();

  return {
    url,
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    if (child.signalCode !== null) throw new Error(`killed by ${child.signalCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

/** A port nothing listens on right now (the assistant binds it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
