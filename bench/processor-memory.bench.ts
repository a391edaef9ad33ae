/**
 * processor-memory: peak memory of one processor engine with one million
 * distinct tenants and one million traces in flight (model spans whose
 * workflow span has not arrived), at the default caps.
 *
 * value  = peak RSS (MB) of a child process running that load with the
 *          default caps (1 000 tenants per window, 50 000 open traces).
 * anchor = peak RSS (MB) of the same load with the caps lifted (every
 *          tenant and every trace held): what the caps save. The goal is a
 *          value under 256 MB that stays put as the load grows, while the
 *          anchor grows with it. Each run is its own process, so one
 *          measurement's heap never leaks into the other's.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PriceTable, shippedPriceEntries } from '../packages/processor/src/cost/price-table.ts';
import { Engine } from '../packages/processor/src/engine/engine.ts';
import type { Span } from '../packages/processor/src/span.ts';
import { runBenchmark } from './harness.ts';

const SPANS = 1_000_000;
const PER_RECORD = 100;
const T0 = Date.parse('2025-06-01T00:00:00Z');

function modelSpan(i: number): Span {
  return {
    traceId: i.toString(16).padStart(32, '0'),
    spanId: i.toString(16).padStart(16, '0'),
    parentSpanId: (i + 1).toString(16).padStart(16, '0'),
    // Spread over 20 s: two windows, both still open at the end (grace 10 s).
    endTimeMs: T0 + Math.floor((i / SPANS) * 20_000),
    statusCode: 1,
    service: 'checkout',
    serviceVersion: '1.4.2',
    operation: 'chat',
    workflow: 'answer-ticket',
    outcome: '',
    tenant: `tenant-${i}`,
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    inputTokens: 1200,
    outputTokens: 300,
    cacheReadTokens: 0,
    reasoningTokens: 0,
    costUsd: undefined,
    costSource: '',
    toolName: '',
    errorType: '',
    promptVersion: 'v3',
    policyVersion: '',
    retrievalConfigVersion: '',
    safetyEvents: [],
  };
}

/** Runs the load in this process and prints its peak RSS, the RSS before the load, peak heap and what the caps did. */
function measure(capped: boolean): void {
  // Before any data: the Node.js runtime with type stripping and the engine's modules.
  const baselineMB = process.resourceUsage().maxRSS / 1024;
  const engine = new Engine({
    shard: 'otlp_spans/0',
    prices: new PriceTable(shippedPriceEntries()),
    ...(capped
      ? {}
      : {
          maxOpenTraces: Number.POSITIVE_INFINITY,
          limits: { tenants: Number.POSITIVE_INFINITY, keys: Number.POSITIVE_INFINITY },
        }),
  });
  let peakHeap = 0;
  for (let i = 0; i < SPANS; i += PER_RECORD) {
    const record: Span[] = [];
    for (let j = i; j < i + PER_RECORD; j++) record.push(modelSpan(j));
    engine.process(record, BigInt(i / PER_RECORD));
    if ((i / PER_RECORD) % 500 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const rssMB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      rssMB,
      baselineMB,
      heapMB: peakHeap / 2 ** 20,
      openTraces: engine.openTraces,
      openWindows: engine.openWindows,
      overflowTenant: engine.counters.overflow.tenant,
      overflowTraces: engine.counters.overflow.open_traces,
    }),
  );
}

function child(mode: 'capped' | 'uncapped'): number {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  const m = JSON.parse(line) as { rssMB: number; heapMB: number };
  console.log(`${mode}: ${line}`);
  return m.rssMB;
}

const mode = process.argv[2];
if (mode === 'capped' || mode === 'uncapped') measure(mode === 'capped');
else
  await runBenchmark({
    name: 'processor-memory',
    unit: 'MB',
    anchor: 'peak RSS of the same 1M-tenant, 1M-open-trace load with the caps lifted',
    runs: 3,
    warmup: 0,
    value: () => child('capped'),
    anchorValue: () => child('uncapped'),
  });
