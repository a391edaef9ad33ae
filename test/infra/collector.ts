import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cacheDir, isComplete, markComplete } from './cache.ts';
import { InfraError } from './errors.ts';
import { freePort } from './ports.ts';
import { type ManagedProcess, startProcess } from './process.ts';
import { requireCommand } from './require.ts';
import { httpReady } from './wait.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const COLLECTOR_MANIFEST = join(here, 'collector', 'builder-config.yaml');
/** The builder version matches the collector core version in the manifest. */
const BUILDER_MODULE = 'go.opentelemetry.io/collector/cmd/builder@v0.159.0';

/**
 * The collector binary built from the manifest, cached by the manifest's hash
 * so a second run (or a clean clone on the same machine) does not rebuild it.
 */
export async function ensureCollector(log: (line: string) => void = () => {}): Promise<string> {
  const manifest = await readFile(COLLECTOR_MANIFEST);
  const hash = createHash('sha256').update(manifest).digest('hex').slice(0, 16);
  const buildDir = cacheDir(`collector-${hash}`);
  const binary = join(buildDir, 'otelcol-telltale', 'otelcol-telltale');
  if (isComplete(buildDir) && existsSync(binary)) {
    log(`collector: using cached binary ${binary}`);
    return binary;
  }
  const go = requireCommand(
    'go',
    'install Go 1.24+ (https://go.dev/doc/install or apt-get install golang) to build the collector',
  );
  const binDir = cacheDir('bin');
  const builder = join(binDir, 'builder');
  const env = { ...process.env, GOBIN: binDir, GOFLAGS: '-mod=mod' };
  if (!existsSync(builder)) {
    log(`collector: installing the OpenTelemetry Collector Builder (${BUILDER_MODULE})`);
    await runOrExplain(go, ['install', BUILDER_MODULE], env, 'installing the collector builder');
  }
  log(`collector: building from ${COLLECTOR_MANIFEST} in ${buildDir} (a few minutes the first time)`);
  const started = Date.now();
  await copyFile(COLLECTOR_MANIFEST, join(buildDir, 'builder-config.yaml'));
  // A fresh folder: no generated sources of an earlier manifest or an interrupted build.
  await rm(join(buildDir, 'otelcol-telltale'), { recursive: true, force: true });
  await runOrExplain(builder, ['--config', 'builder-config.yaml'], env, 'building the collector', buildDir);
  if (!existsSync(binary)) throw new InfraError(`collector: the builder finished but ${binary} does not exist`);
  markComplete(buildDir);
  log(`collector: built in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

async function runOrExplain(cmd: string, args: string[], env: NodeJS.ProcessEnv, what: string, cwd?: string) {
  try {
    await run(cmd, args, { env, cwd, timeout: 30 * 60_000, maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new InfraError(`collector: ${what} failed: ${e.message}\n${(e.stderr ?? '').slice(-4000)}`);
  }
}

export interface CollectorOptions {
  /** Collector config file; use ${env:NAME} placeholders for ports, brokers and topics. */
  configFile: string;
  /** Extra environment for the placeholders. */
  env?: Record<string, string>;
  /** The built binary; default: the one global setup built (COLLECTOR_BINARY env) or build it now. */
  binary?: string;
  timeoutMs?: number;
}

export interface RunningCollector {
  /** The collector's own health endpoint is not in our build; readiness is checked on its telemetry port. */
  metricsUrl: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built collector with a config. Readiness: its internal telemetry
 * endpoint (service.telemetry.metrics, bound to TELLTALE_COLLECTOR_METRICS_PORT
 * which this sets) answers; the config must use that env var, as the ones in deploy/ do.
 * With TELLTALE_COLLECTOR_OTLP_HTTP_ENDPOINT in `env`, the OTLP/HTTP receiver
 * must answer too: it binds a few milliseconds after the telemetry port.
 */
export async function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  const binary = opts.binary ?? process.env.COLLECTOR_BINARY ?? (await ensureCollector());
  const metricsPort = await freePort();
  const proc = await startProcess({
    name: 'otelcol',
    command: binary,
    args: [`--config=${opts.configFile}`],
    env: { TELLTALE_COLLECTOR_METRICS_PORT: String(metricsPort), ...opts.env },
    timeoutMs: opts.timeoutMs ?? 60_000,
    ready: async () => {
      if (!(await httpReady(`http://127.0.0.1:${metricsPort}/metrics`))) return false;
      const otlp = opts.env?.TELLTALE_COLLECTOR_OTLP_HTTP_ENDPOINT;
      return otlp === undefined || (await answers(`http://${otlp}/v1/traces`));
    },
  });
  return { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, process: proc, stop: () => proc.stop() };
}

/** True when something answers HTTP at `url`, whatever the status (the OTLP receiver answers a GET with 405). */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
