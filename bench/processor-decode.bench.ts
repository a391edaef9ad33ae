/**
 * processor-decode: spans per second on one core of the processor's
 * hand-written OTLP protobuf reader alone (decodeOtlpProto: bytes → Span[]),
 * over the same collector-shaped records as processor-throughput.
 *
 * value  = spans per CPU-second of decodeOtlpProto over all records.
 * anchor = spans per CPU-second of protobufjs decoding the same records with
 *          the complete OTLP schema (a full general-purpose decode).
 */
import {
  collectorRecords,
  countSpans,
  processorDecodeRate,
  protobufjsDecodeRate,
} from './fixtures/collector-records.ts';
import { runBenchmark } from './harness.ts';

const records = collectorRecords(40_000);
const totalSpans = countSpans(records);

await runBenchmark({
  name: 'processor-decode',
  unit: 'spans/s',
  anchor: 'protobufjs full decode of the same TracesData records',
  runs: 7,
  warmup: 2,
  value: () => processorDecodeRate(records, totalSpans),
  anchorValue: () => protobufjsDecodeRate(records, totalSpans),
});
