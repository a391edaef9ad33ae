/**
 * processor-ceiling: the most any engine behind this decoder can reach on
 * this machine, in process. The processor's decoder feeds the least
 * aggregation anything could do: per span, its (window, service, workflow,
 * tenant) key found through nested Maps (the last key reused, as the engine
 * does) and a few counters bumped in a Float64Array row. No join per trace,
 * no cost, no caps, no tool or model breakdown, no records. It is not a
 * processor: it is the line processor-throughput stays under, because
 * everything the engine does beyond this costs time on top of it.
 *
 * value  = spans per CPU-second of decode + that least aggregation.
 * anchor = spans per CPU-second of decode alone (processor-decode's subject),
 *          in the same process over the same records.
 */
import { decodeOtlpProto } from '../packages/processor/src/decode/otlp-proto.ts';
import type { Span } from '../packages/processor/src/span.ts';
import { collectorRecords, countSpans, processorDecodeRate, spansPerCpuSecond } from './fixtures/collector-records.ts';
import { runBenchmark } from './harness.ts';

const records = collectorRecords(40_000);
const totalSpans = countSpans(records);
const WINDOW_MS = 10_000;

// A key's row: outcomes (success, other), tool calls and successes, model calls, input and output tokens.
const ROW = 8;

function decodeAndCount(): number {
  const windows = new Map<number, Map<string, Map<string, Map<string, number>>>>();
  let rows = new Float64Array(1 << 12);
  let keys = 0;
  let lastWindow = Number.NaN;
  let lastService = '';
  let lastWorkflow = '';
  let lastTenant = '';
  let lastKey = -1;
  const rate = spansPerCpuSecond(totalSpans, () => {
    for (const bytes of records) {
      const d = decodeOtlpProto(bytes);
      if (!d.ok) throw new Error(d.reason);
      const spans = d.spans;
      for (let i = 0; i < spans.length; i++) {
        const s = spans[i] as Span;
        const w = Math.floor(s.endTimeMs / WINDOW_MS);
        let k = lastKey;
        if (w !== lastWindow || s.service !== lastService || s.workflow !== lastWorkflow || s.tenant !== lastTenant) {
          const tenants = child(child(child(windows, w), s.service), s.workflow);
          let found = tenants.get(s.tenant);
          if (found === undefined) {
            found = keys++;
            tenants.set(s.tenant, found);
            if (keys * ROW > rows.length) {
              const bigger = new Float64Array(rows.length * 2);
              bigger.set(rows);
              rows = bigger;
            }
          }
          k = found;
          lastWindow = w;
          lastService = s.service;
          lastWorkflow = s.workflow;
          lastTenant = s.tenant;
          lastKey = k;
        }
        const r = k * ROW;
        if (s.operation === 'invoke_workflow') bump(rows, r + (s.outcome === 'success' ? 0 : 1), 1);
        else if (s.operation === 'execute_tool') {
          bump(rows, r + 2, 1);
          if (s.statusCode !== 2 && s.errorType === '') bump(rows, r + 3, 1);
        } else if (s.operation === 'chat') {
          bump(rows, r + 4, 1);
          bump(rows, r + 5, s.inputTokens);
          bump(rows, r + 6, s.outputTokens);
        }
      }
    }
  });
  let counted = 0;
  for (let k = 0; k < keys; k++) counted += (rows[k * ROW] as number) + (rows[k * ROW + 1] as number);
  if (counted !== records.length) throw new Error(`counted ${counted} workflows, expected ${records.length}`);
  return rate;
}

function child<K, V>(m: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let c = m.get(key);
  if (!c) {
    c = new Map();
    m.set(key, c);
  }
  return c;
}

function bump(rows: Float64Array, at: number, by: number): void {
  rows[at] = (rows[at] as number) + by;
}

await runBenchmark({
  name: 'processor-ceiling',
  unit: 'spans/s',
  anchor: 'the processor decoder alone over the same records',
  runs: 7,
  warmup: 2,
  value: decodeAndCount,
  anchorValue: () => processorDecodeRate(records, totalSpans),
});
