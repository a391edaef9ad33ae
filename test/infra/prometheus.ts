import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startProcess } from './process.ts';
import { requireCommand } from './require.ts';
import { httpReady } from './wait.ts';

export interface PrometheusOptions {
  /** prometheus.yml as YAML text. */
  config: string;
  /**
   * Rule files to copy next to the config; name them in `config` under
   * `rule_files` by their base names.
   */
  ruleFiles?: { name: string; content: string }[];
  timeoutMs?: number;
}

export interface RunningPrometheus {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Runs an instant query through the HTTP API and returns `data.result`. */
  query(promql: string): Promise<PromVectorSample[]>;
}

export interface PromVectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Starts the real Prometheus (Debian package `prometheus`) on a free port. */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const bin = requireCommand(
    'prometheus',
    'install it with `apt-get install prometheus` (Debian package; .ci/run does this)',
  );
  const dir = await mkdtemp(join(tmpdir(), 'telltale-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, opts.config);
  for (const rule of opts.ruleFiles ?? []) await writeFile(join(dir, rule.name), rule.content);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'prometheus',
    command: bin,
    cwd: dir,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
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
    query: async (promql) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: PromVectorSample[] } };
      if (body.status !== 'success' || !body.data)
        throw new Error(`query ${promql} failed: ${body.error ?? res.status}`);
      return body.data.result;
    },
  };
}
