import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { InfraError } from './errors.ts';
import { waitUntil } from './wait.ts';

export interface StartProcessOptions {
  /** For messages and logs. */
  name: string;
  command: string;
  args?: readonly string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolves true once the process is ready to use. Without it, start returns once spawned. */
  ready?: () => Promise<boolean>;
  /** How long `ready` may take. Default 60 s. */
  timeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 10 s. */
  stopGraceMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM), waits for exit, SIGKILLs after the grace period. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL now, no grace: for crash tests. */
  kill(): void;
  /** Everything the process wrote to stdout and stderr so far (the last 1 MiB). */
  output(): string;
}

const OUTPUT_LIMIT = 1 << 20;
const running = new Set<ManagedProcess>();

/** Starts a child process that is stopped at the latest when this process exits. */
export async function startProcess(opts: StartProcessOptions): Promise<ManagedProcess> {
  const child = spawn(opts.command, opts.args ?? [], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const append = (chunk: Buffer): void => {
    out += chunk.toString();
    if (out.length > OUTPUT_LIMIT) out = out.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new InfraError(`${opts.name}: could not start ${opts.command}: ${err.message}`)),
    );
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  exited.catch(() => {});
  if (child.pid === undefined) {
    await exited; // rejects with the spawn error
    throw new InfraError(`${opts.name}: could not start ${opts.command}`);
  }

  const managed: ManagedProcess = {
    name: opts.name,
    pid: child.pid,
    exited,
    stop: (signal = 'SIGTERM') => stopChild(child, exited, signal, opts.stopGraceMs ?? 10_000),
    kill: () => {
      child.kill('SIGKILL');
    },
    output: () => out,
  };
  running.add(managed);
  exited
    .then((code) => {
      running.delete(managed);
      announce(`${opts.name}: exited (${code === null ? 'killed by a signal' : `code ${code}`}, pid ${managed.pid})`);
    })
    .catch(() => running.delete(managed));

  if (opts.ready) {
    try {
      await waitUntil(opts.ready, {
        what: `${opts.name} (${opts.command})`,
        timeoutMs: opts.timeoutMs ?? 60_000,
        abortReason: () =>
          exitCode !== undefined
            ? `exited with code ${exitCode} before it was ready; output:\n${tail(out)}`
            : undefined,
      });
    } catch (err) {
      const timedOut = exitCode === undefined;
      await managed.stop('SIGKILL');
      if (err instanceof InfraError && timedOut) err.message += `\noutput:\n${tail(out)}`;
      throw err;
    }
  }
  announce(`${opts.name}: started (pid ${managed.pid}) ${opts.command} ${(opts.args ?? []).join(' ')}`.trimEnd());
  return managed;
}

/** One line per start and exit, so a test log shows which real services ran. */
function announce(line: string): void {
  if (process.env.TELLTALE_INFRA_QUIET !== '1') console.log(`[infra] ${line}`);
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await Promise.race([exited, once(child, 'exit')]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops every process started here that is still running. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// Last resort when a test run dies without its teardown: no orphaned brokers.
process.once('exit', () => {
  for (const p of running) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
