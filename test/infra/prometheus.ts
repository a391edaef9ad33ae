import { join } from 'node:path';
import { startPromBinary } from './prom-binary.ts';

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
  const prom = await startPromBinary({
    name: 'prometheus',
    debianPackage: 'prometheus',
    config: { name: 'prometheus.yml', content: opts.config },
    files: opts.ruleFiles,
    args: (dir) => [`--storage.tsdb.path=${join(dir, 'data')}`, '--web.enable-lifecycle', '--log.level=warn'],
    timeoutMs: opts.timeoutMs,
  });
  return {
    ...prom,
    query: async (promql) => {
      const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { result: PromVectorSample[] } };
      if (body.status !== 'success' || !body.data)
        throw new Error(`query ${promql} failed: ${body.error ?? res.status}`);
      return body.data.result;
    },
  };
}
