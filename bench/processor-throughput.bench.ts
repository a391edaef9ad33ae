/**
 * processor-throughput: spans per second on one core through the processor's
 * hot path, in process: decode (hand-written protobuf reader) → classify →
 * join per trace → event-time windows → aggregate records (Engine.process and
 * drain), over TracesData records shaped like the collector kafka exporter's
 * output (bench/fixtures/collector-records.ts).
 *
 * value  = spans per CPU-second of decode + engine over all records (a fresh engine per run).
 * anchor = spans per CPU-second of a full general-purpose decode of the same
 *          records with protobufjs (TracesData.decode of the complete OTLP
 *          schema), without any processing: the ratio says how the whole path
 *          compares with "just decoding it the usual way".
 * The decoder alone is measured by processor-decode.
 */
import { PriceTable, shippedPriceEntries } from '../packages/processor/src/cost/price-table.ts';
import { decodeOtlpProto } from '../packages/processor/src/decode/otlp-proto.ts';
import { Engine } from '../packages/processor/src/engine/engine.ts';
import { collectorRecords, countSpans, protobufjsDecodeRate, spansPerCpuSecond } from './fixtures/collector-records.ts';
import { runBenchmark } from './harness.ts';

const records = collectorRecords(40_000);
const totalSpans = countSpans(records);
const totalBytes = records.reduce((sum, b) => sum + b.length, 0);
console.log(
  `${records.length} records, ${totalSpans} spans, ${Math.round(totalBytes / records.length)} bytes per record`,
);

const prices = new PriceTable(shippedPriceEntries());

function fullPath(): number {
  const engine = new Engine({ shard: 'otlp_spans/0', prices });
  let emitted = 0;
  const rate = spansPerCpuSecond(totalSpans, () => {
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

await runBenchmark({
  name: 'processor-throughput',
  unit: 'spans/s',
  anchor: 'protobufjs full decode of the same TracesData records (no processing)',
  runs: 5,
  warmup: 2,
  value: fullPath,
  anchorValue: () => protobufjsDecodeRate(records, totalSpans),
});
