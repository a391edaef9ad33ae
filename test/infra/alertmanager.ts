import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startProcess } from './process.ts';
import { requireCommand } from './require.ts';
import { httpReady } from './wait.ts';

export interface AlertmanagerOptions {
  /** alertmanager.yml as YAML text. */
  config: string;
  timeoutMs?: number;
}

export interface RunningAlertmanager {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the real Alertmanager (Debian package `prometheus-alertmanager`) on a free port, clustering off. */
export async function startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const bin = requireCommand(
    'prometheus-alertmanager',
    'install it with `apt-get install prometheus-alertmanager` (Debian package; .ci/run does this)',
  );
  const dir = await mkdtemp(join(tmpdir(), 'telltale-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, opts.config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'alertmanager',
    command: bin,
    cwd: dir,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty address turns the gossip cluster off, so no second port is bound.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
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
}
