/**
 * processor-throughput: spans per second on one core through the processor's
 * hot path, in process: decode (hand-written protobuf reader) → classify →
 * join per trace → event-time windows → aggregate records (Engine.process and
 * drain), over TracesData records shaped like the collector kafka exporter's
 * output with partition_traces_by_id (one record per resource × scope × trace,
 * a few spans each, realistic attribute sets with the usual SDK noise).
 *
 * value  = spans/s of decode + engine over all records (a fresh engine per run).
 * anchor = spans/s of a full general-purpose decode of the same records with
 *          protobufjs (TracesData.decode of the complete OTLP schema), without
 *          any processing: the ratio says how much faster than "just decoding
 *          it the usual way" the whole path is.
 * Also printed: decode-only spans/s of the hand-written reader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PriceTable, shippedPriceEntries } from '../packages/processor/src/cost/price-table.ts';
import { decodeOtlpProto } from '../packages/processor/src/decode/otlp-proto.ts';
import { Engine } from '../packages/processor/src/engine/engine.ts';
import { runBenchmark } from './harness.ts';

const RECORDS = 40_000;
const T0 = Date.parse('2025-06-01T00:00:00Z');
const TENANTS = 400;
const SERVICES = ['checkout', 'support-bot', 'search-api'];
const WORKFLOWS = ['answer-ticket', 'summarize', 'route-claim', 'draft-reply', 'classify-intent'];
const MODELS: [string, string, string][] = [
  ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'gpt-4o', 'gpt-4o-2024-08-06'],
  ['anthropic', 'claude-sonnet-4', 'claude-sonnet-4-20250514'],
  ['anthropic', 'claude-haiku-3-5', 'claude-3-5-haiku-20241022'],
];
const TOOLS = ['search', 'lookup_order', 'refund', 'send_email', 'kb_fetch', 'calculator'];
const OUTCOMES = ['success', 'success', 'success', 'failure', 'handoff'];

const schema = protobuf.parse(
  readFileSync(
    join(import.meta.dirname, '..', 'packages', 'processor', 'test', 'fixtures', 'otlp-trace.proto'),
    'utf8',
  ),
).root;
const TracesData = schema.lookupType('telltale.otlp.TracesData');

type V = { stringValue: string } | { intValue: number } | { doubleValue: number } | { boolValue: boolean } | object;
const kv = (key: string, value: V) => ({ key, value });
const s = (v: string) => ({ stringValue: v });
const i = (v: number) => ({ intValue: v });

function rand(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function idBytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let k = 0; k < n; k++) b[k] = Math.floor(r() * 256);
  return b;
}

const nanos = (ms: number) => String(BigInt(ms) * 1_000_000n + 123_456n);

/** One collector record: one resource, one scope, one trace with a workflow, 2 model calls and a tool call. */
function record(n: number, r: () => number): Uint8Array {
  const service = SERVICES[n % SERVICES.length]!;
  const workflow = WORKFLOWS[Math.floor(r() * WORKFLOWS.length)]!;
  const tenant = `tenant-${Math.floor(r() * TENANTS)}`;
  const traceId = idBytes(r, 16);
  const rootId = idBytes(r, 8);
  // Event time advances ~1 ms per record, so windows open and close as in a live stream.
  const end = T0 + n + Math.floor(r() * 50);
  const common = [kv('telltale.tenant.id', s(tenant)), kv('telltale.workflow.name', s(workflow))];
  const span = (name: string, ends: number, attrs: object[], extra: object = {}) => ({
    traceId,
    spanId: idBytes(r, 8),
    parentSpanId: rootId,
    name,
    kind: 3,
    startTimeUnixNano: nanos(ends - 800),
    endTimeUnixNano: nanos(ends),
    attributes: attrs,
    droppedAttributesCount: 0,
    status: { code: 0 },
    flags: 257,
    ...extra,
  });
  const model = (k: number) => {
    const [provider, req, res] = MODELS[Math.floor(r() * MODELS.length)]!;
    return span(`chat ${req}`, end - 300 + k * 100, [
      kv('gen_ai.operation.name', s('chat')),
      kv('gen_ai.provider.name', s(provider)),
      kv('gen_ai.request.model', s(req)),
      kv('gen_ai.response.model', s(res)),
      kv('gen_ai.response.id', s(`chatcmpl-${n}-${k}`)),
      kv('gen_ai.response.finish_reasons', { arrayValue: { values: [s('stop')] } }),
      kv('gen_ai.usage.input_tokens', i(800 + Math.floor(r() * 2000))),
      kv('gen_ai.usage.output_tokens', i(50 + Math.floor(r() * 400))),
      kv('gen_ai.usage.cache_read.input_tokens', i(Math.floor(r() * 500))),
      kv('server.address', s('api.example.com')),
      kv('telltale.version.prompt', s('answer-v12')),
      ...common,
    ]);
  };
  const toolFailed = r() < 0.1;
  const spans = [
    model(0),
    span(
      `execute_tool ${TOOLS[n % TOOLS.length]}`,
      end - 100,
      [
        kv('gen_ai.operation.name', s('execute_tool')),
        kv('gen_ai.tool.name', s(TOOLS[n % TOOLS.length]!)),
        kv('gen_ai.tool.call.id', s(`call_${n}`)),
        kv('gen_ai.tool.type', s('function')),
        kv('telltale.tool.attempt', i(1)),
        ...(toolFailed ? [kv('error.type', s('timeout'))] : []),
        ...common,
      ],
      toolFailed ? { status: { code: 2, message: 'tool timed out' } } : {},
    ),
    model(1),
    span(
      `invoke_workflow ${workflow}`,
      end,
      [
        kv('gen_ai.operation.name', s('invoke_workflow')),
        kv('telltale.workflow.outcome', s(OUTCOMES[Math.floor(r() * OUTCOMES.length)]!)),
        kv('code.function.name', s('handleTicket')),
        kv('code.file.path', s('/app/src/workflows/answer.ts')),
        ...common,
      ],
      {
        spanId: rootId,
        parentSpanId: new Uint8Array(0),
        kind: 1,
        events:
          r() < 0.05
            ? [
                {
                  timeUnixNano: nanos(end - 200),
                  name: 'telltale.safety',
                  attributes: [
                    kv('telltale.safety.kind', s('fallback')),
                    kv('telltale.safety.policy', s('model-down')),
                    kv('telltale.safety.action', s('switched')),
                    kv('telltale.fallback.from', s('gpt-4o')),
                    kv('telltale.fallback.to', s('gpt-4o-mini')),
                  ],
                },
              ]
            : [],
      },
    ),
  ];
  return TracesData.encode(
    TracesData.fromObject({
      resourceSpans: [
        {
          resource: {
            attributes: [
              kv('service.name', s(service)),
              kv('service.version', s('1.14.2')),
              kv('service.instance.id', s('6f1c7c1e-3b0e-4d7a-9d59-1f6b2a3c4d5e')),
              kv('deployment.environment.name', s('production')),
              kv('telemetry.sdk.language', s('nodejs')),
              kv('telemetry.sdk.name', s('opentelemetry')),
              kv('telemetry.sdk.version', s('2.1.0')),
              kv('host.name', s('ip-10-0-3-17')),
              kv('process.pid', i(4242)),
              kv('process.runtime.version', s('24.4.1')),
            ],
          },
          scopeSpans: [{ scope: { name: '@telltale/instrumentation', version: '0.1.0' }, spans }],
        },
      ],
    }),
  ).finish();
}

const r = rand(42);
const records: Uint8Array[] = [];
for (let n = 0; n < RECORDS; n++) records.push(record(n, r));
const totalSpans = records.reduce((sum, b) => {
  const d = decodeOtlpProto(b);
  if (!d.ok) throw new Error(d.reason);
  return sum + d.spans.length;
}, 0);
const totalBytes = records.reduce((sum, b) => sum + b.length, 0);
console.log(`${RECORDS} records, ${totalSpans} spans, ${Math.round(totalBytes / RECORDS)} bytes per record`);

const prices = new PriceTable(shippedPriceEntries());

/**
 * Spans per CPU-second of this process (user + system, all threads, so GC
 * helper threads count too): on a shared machine other processes' load does
 * not skew it, and on an idle one it equals spans per wall-clock second.
 */
function spansPerSecond(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return totalSpans / ((used.user + used.system) / 1e6);
}

function fullPath(): number {
  const engine = new Engine({ shard: 'otlp_spans/0', prices });
  let emitted = 0;
  const rate = spansPerSecond(() => {
    for (let n = 0; n < records.length; n++) {
      const d = decodeOtlpProto(records[n]!);
      if (!d.ok) throw new Error(d.reason);
      engine.process(d.spans, BigInt(n));
      if ((n & 255) === 0) emitted += engine.drain().aggregates.length;
    }
    engine.flush();
    emitted += engine.drain().aggregates.length;
  });
  if (emitted === 0) throw new Error('the engine emitted no aggregates');
  return rate;
}

function decodeOnly(): number {
  let spans = 0;
  const rate = spansPerSecond(() => {
    for (const b of records) {
      const d = decodeOtlpProto(b);
      if (d.ok) spans += d.spans.length;
    }
  });
  if (spans !== totalSpans) throw new Error('decode-only lost spans');
  return rate;
}

function protobufjsDecode(): number {
  let spans = 0;
  const rate = spansPerSecond(() => {
    for (const b of records) {
      const m = TracesData.decode(b) as unknown as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
      for (const rs of m.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
    }
  });
  if (spans !== totalSpans) throw new Error('protobufjs decode lost spans');
  return rate;
}

const decodeRates: number[] = [];
await runBenchmark({
  name: 'processor-throughput',
  unit: 'spans/s',
  anchor: 'protobufjs full decode of the same TracesData records (no processing)',
  runs: 5,
  warmup: 2,
  value: () => {
    decodeRates.push(decodeOnly());
    return fullPath();
  },
  anchorValue: protobufjsDecode,
});
console.error(`decode only (hand-written reader): ${decodeRates.map((x) => Math.round(x)).join(', ')} spans/s`);
