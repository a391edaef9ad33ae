/**
 * processor-decode: spans per second on one core of the processor's
 * hand-written OTLP protobuf reader alone (decodeOtlpProto: bytes → Span[]),
 * over the same collector-shaped records as processor-throughput.
 *
 * value  = spans per CPU-second of decodeOtlpProto over all records.
 * anchor = spans per CPU-second of protobufjs decoding the same records with
 *          the complete OTLP schema (a full general-purpose decode).
 */
import { decodeOtlpProto } from '../packages/processor/src/decode/otlp-proto.ts';
import { collectorRecords, countSpans, protobufjsDecodeRate, spansPerCpuSecond } from './fixtures/collector-records.ts';
import { runBenchmark } from './harness.ts';

const records = collectorRecords(40_000);
const totalSpans = countSpans(records);

function decodeOnly(): number {
  let spans = 0;
  const rate = spansPerCpuSecond(totalSpans, () => {
    for (const b of records) {
      const d = decodeOtlpProto(b);
      if (d.ok) spans += d.spans.length;
    }
  });
  if (spans !== totalSpans) throw new Error('the decoder lost spans');
  return rate;
}

await runBenchmark({
  name: 'processor-decode',
  unit: 'spans/s',
  anchor: 'protobufjs full decode of the same TracesData records',
  runs: 7,
  warmup: 2,
  value: decodeOnly,
  anchorValue: () => protobufjsDecodeRate(records, totalSpans),
});
