/**
 * processor-engine: spans per second on one core through the engine alone
 * (classify → join per trace → event-time windows → aggregate records), on
 * spans decoded beforehand from the same collector-shaped records as
 * processor-throughput. With processor-decode it splits the whole path into
 * its two halves: the engine is where the remaining time is.
 *
 * value  = spans per CPU-second of Engine.process, drain and flush (a fresh engine per run).
 * anchor = spans per CPU-second of a plain counter over the same spans: a Map
 *          by a `window|service|workflow|tenant` string holding outcome, tool
 *          and model counts and tokens. No join, no cost, no caps, no records:
 *          the least any per-window aggregation does.
 */
import { PriceTable, shippedPriceEntries } from '../packages/processor/src/cost/price-table.ts';
import { decodeOtlpProto } from '../packages/processor/src/decode/otlp-proto.ts';
import { Engine } from '../packages/processor/src/engine/engine.ts';
import type { Span } from '../packages/processor/src/span.ts';
import { collectorRecords, countSpans, spansPerCpuSecond } from './fixtures/collector-records.ts';
import { runBenchmark } from './harness.ts';

const records = collectorRecords(40_000);
const totalSpans = countSpans(records);
const decoded: Span[][] = records.map((bytes) => {
  const d = decodeOtlpProto(bytes);
  if (!d.ok) throw new Error(d.reason);
  return d.spans;
});
const positions = decoded.map((_, n) => BigInt(n));
const prices = new PriceTable(shippedPriceEntries());

function engine(): number {
  const e = new Engine({ shard: 'otlp_spans/0', prices });
  let emitted = 0;
  const rate = spansPerCpuSecond(totalSpans, () => {
    for (let n = 0; n < decoded.length; n++) {
      e.process(decoded[n] as Span[], positions[n] as bigint);
      if ((n & 255) === 0) emitted += e.drain().aggregates.length;
    }
    e.flush();
    emitted += e.drain().aggregates.length;
  });
  if (emitted === 0) throw new Error('the engine emitted no aggregates');
  return rate;
}

interface PlainCounts {
  outcomes: Map<string, number>;
  toolCalls: number;
  toolSuccesses: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
}

function plainCounter(): number {
  const counts = new Map<string, PlainCounts>();
  const rate = spansPerCpuSecond(totalSpans, () => {
    for (const spans of decoded)
      for (const s of spans) {
        const key = `${Math.floor(s.endTimeMs / 10_000)}|${s.service}|${s.workflow}|${s.tenant}`;
        let c = counts.get(key);
        if (!c) {
          c = { outcomes: new Map(), toolCalls: 0, toolSuccesses: 0, modelCalls: 0, inputTokens: 0, outputTokens: 0 };
          counts.set(key, c);
        }
        if (s.operation === 'invoke_workflow') c.outcomes.set(s.outcome, (c.outcomes.get(s.outcome) ?? 0) + 1);
        else if (s.operation === 'execute_tool') {
          c.toolCalls++;
          if (s.statusCode !== 2 && s.errorType === '') c.toolSuccesses++;
        } else if (s.operation === 'chat') {
          c.modelCalls++;
          c.inputTokens += s.inputTokens;
          c.outputTokens += s.outputTokens;
        }
      }
  });
  if (counts.size === 0) throw new Error('the plain counter counted nothing');
  return rate;
}

await runBenchmark({
  name: 'processor-engine',
  unit: 'spans/s',
  anchor:
    'a plain Map counter of outcomes, tool and model calls per window and key over the same spans (no join, cost, caps or records)',
  runs: 5,
  warmup: 2,
  value: engine,
  anchorValue: plainCounter,
});
