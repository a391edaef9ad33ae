import { join } from 'node:path';
import { startPromBinary } from './prom-binary.ts';

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
export function startAlertmanager(opts: AlertmanagerOptions): Promise<RunningAlertmanager> {
  return startPromBinary({
    name: 'alertmanager',
    debianPackage: 'prometheus-alertmanager',
    config: { name: 'alertmanager.yml', content: opts.config },
    args: (dir) => [
      `--storage.path=${join(dir, 'data')}`,
      // An empty address turns the gossip cluster off, so no second port is bound.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    timeoutMs: opts.timeoutMs,
  });
}
