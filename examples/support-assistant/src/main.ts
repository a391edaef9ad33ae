/**
 * The support-assistant service: starts telltale, serves the assistant over
 * HTTP and, unless told not to, drives a workload at it over HTTP.
 *
 *   node examples/support-assistant/src/main.ts --rate 5 --failing-tool refund
 *
 * Telemetry goes to OTEL_EXPORTER_OTLP_ENDPOINT (or --endpoint), e.g. a
 * collector or telltale's embedded receiver on :4318.
 */

import { pinoMixin, start } from '@telltale/instrumentation';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { TOOL_NAMES, type ToolName } from './tools.ts';
import { DEFAULT_TENANTS } from './workload.ts';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
}

function probability(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a probability from 0 to 1');
  return n;
}

const program = new Command('support-assistant')
  .description('An instrumented support assistant with a fake model and tools')
  .option('--port <port>', 'HTTP port', positiveNumber, 3000)
  .option('--endpoint <url>', 'OTLP/HTTP endpoint (default: OTEL_EXPORTER_OTLP_ENDPOINT or http://localhost:4318)')
  .option('--tenants <list>', 'comma-separated tenant ids', DEFAULT_TENANTS.join(','))
  .option('--rate <n>', 'requests per second the built-in load sends', positiveNumber, 2)
  .option('--count <n>', 'requests to send, then stop (default: run until interrupted)', positiveNumber)
  .addOption(new Option('--failing-tool <tool>', 'make this tool fail').choices(TOOL_NAMES))
  .option('--failure-rate <p>', 'probability that a call of the failing tool fails', probability, 1)
  .option('--overload-rate <p>', 'probability the primary model is overloaded', probability, 0.1)
  .option('--no-load', 'serve only; send no load')
  .option('--no-metrics', 'send traces only (e.g. to a collector with a traces pipeline only)')
  .option('--seed <n>', 'seed of the workload and the assistant', positiveNumber, 1);

program.parse();
const opts = program.opts<{
  port: number;
  endpoint?: string;
  tenants: string;
  rate: number;
  count?: number;
  failingTool?: ToolName;
  failureRate: number;
  overloadRate: number;
  load: boolean;
  metrics: boolean;
  seed: number;
}>();

// telltale starts before express is imported, so the auto-instrumentation can patch it.
const telltale = start({
  serviceName: 'support-assistant',
  serviceVersion: process.env.SERVICE_VERSION ?? '1.0.0',
  ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
  versions: { prompt: 'support-v3', policy: 'policy-2026-11', retrievalConfig: 'kb-v1' },
  metrics: { enabled: opts.metrics },
});
const log = pino({ mixin: pinoMixin });

const { createAssistant } = await import('./assistant.ts');
const { createServer } = await import('./server.ts');
const { runWorkload, sendOverHttp } = await import('./workload.ts');

const assistant = createAssistant({
  ...(opts.failingTool === undefined ? {} : { failingTool: opts.failingTool }),
  failureRate: opts.failureRate,
  overloadRate: opts.overloadRate,
  seed: opts.seed,
});
const server = createServer(assistant, log).listen(opts.port, () => {
  log.info({ port: opts.port }, 'support assistant listening');
});

const stop = new AbortController();
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  stop.abort();
  server.close();
  log.info({ tally: assistant.tally.snapshot() }, 'stopping; ground truth of what was emitted');
  await telltale.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

if (opts.load) {
  const tenants = opts.tenants
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const count = opts.count ?? Number.MAX_SAFE_INTEGER;
  // Batches keep memory flat on an endless run; the seed moves on per batch so the messages vary.
  const batch = Math.max(1, Math.ceil(opts.rate * 10));
  for (let sent = 0, round = 0; sent < count && !stop.signal.aborted; round++) {
    const n = Math.min(batch, count - sent);
    await runWorkload(sendOverHttp(baseUrl), {
      count: n,
      ratePerSecond: opts.rate,
      tenants,
      seed: opts.seed + round,
      signal: stop.signal,
    });
    sent += n;
  }
  if (opts.count !== undefined) await shutdown();
}
