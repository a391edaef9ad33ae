import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startProcess } from './process.ts';
import { requireCommand } from './require.ts';
import { httpReady } from './wait.ts';

export interface PromBinaryOptions {
  /** For messages and the temp dir's name. */
  name: string;
  /** The Debian package that ships the binary, also the binary's name. */
  debianPackage: string;
  /** The config file's name in the temp dir and its text; passed as --config.file. */
  config: { name: string; content: string };
  /** More files written next to the config (e.g. rule files). */
  files?: { name: string; content: string }[];
  /** Flags beyond --config.file and --web.listen-address. */
  args: (dir: string) => string[];
  timeoutMs?: number;
}

export interface RunningPromBinary {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a Prometheus-family binary (prometheus, alertmanager) in a temp dir of its own on a
 * free port, ready once /-/ready answers 200; the dir is removed on stop and when start fails.
 */
export async function startPromBinary(opts: PromBinaryOptions): Promise<RunningPromBinary> {
  const bin = requireCommand(
    opts.debianPackage,
    `install it with \`apt-get install ${opts.debianPackage}\` (Debian package; .ci/run does this)`,
  );
  const dir = await mkdtemp(join(tmpdir(), `telltale-${opts.name}-`));
  try {
    const configFile = join(dir, opts.config.name);
    await writeFile(configFile, opts.config.content);
    for (const file of opts.files ?? []) await writeFile(join(dir, file.name), file.content);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await startProcess({
      name: opts.name,
      command: bin,
      cwd: dir,
      args: [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, ...opts.args(dir)],
      timeoutMs: opts.timeoutMs ?? 60_000,
      ready: () => httpReady(`${url}/-/ready`),
    });
    return {
      url,
      port,
      stop: async () => {
        await proc.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
