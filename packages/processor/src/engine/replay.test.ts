import type { AggregateRecord } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { canonical, generateWorkload, mergeRecords, WORKLOAD_PRICES } from '../../test/workload.ts';
import { PriceTable } from '../cost/price-table.ts';
import type { Span } from '../span.ts';
import type { Checkpoint } from './checkpoint.ts';
import { decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint.ts';
import { Engine } from './engine.ts';

const prices = new PriceTable(WORKLOAD_PRICES);
const newEngine = (restore?: Checkpoint) => new Engine({ shard: 'spans/0', prices, restore });

/** One input record per slice of a trace's spans, like the collector's per-resource records. */
function records(seed: number, traces: number): { input: Span[][]; truth: ReturnType<typeof generateWorkload> } {
  const w = generateWorkload({ traces, seed });
  const input: Span[][] = [];
  for (const t of w.traces) {
    const cut = Math.max(1, Math.floor(t.spans.length / 2));
    input.push(t.spans.slice(0, cut));
    if (cut < t.spans.length) input.push(t.spans.slice(cut));
  }
  return { input, truth: w };
}

function runAll(input: Span[][]): AggregateRecord[] {
  const e = newEngine();
  input.forEach((r, i) => {
    e.process(r, BigInt(i));
  });
  e.flush();
  return e.drain().aggregates;
}

describe('replay determinism', () => {
  it('matches the independently computed ground truth exactly', () => {
    const { input, truth } = records(1, 300);
    expect(canonical(mergeRecords(runAll(input)))).toEqual(canonical(truth.truth));
  });

  it('restarting from the last checkpoint after a crash at any position yields identical records', () => {
    const { input } = records(2, 120);
    const expected = new Map(runAll(input).map((r) => [r.id, r]));
    for (let crashAt = 1; crashAt < input.length; crashAt += 3) {
      for (const lag of [0, 2, 7]) {
        const commitAfter = Math.max(0, crashAt - lag);
        const seen = new Map<string, AggregateRecord>();
        const a = newEngine();
        let committed: Checkpoint | undefined;
        for (let i = 0; i < crashAt; i++) {
          a.process(input[i] as Span[], BigInt(i));
          // Output is written before the checkpoint is committed, as the transports do.
          for (const r of a.drain().aggregates) if (!seen.has(r.id)) seen.set(r.id, r);
          if (i + 1 === commitAfter) committed = a.checkpoint();
        }
        // The checkpoint travels as offset + metadata string; decode it as a restart would.
        const restored = committed
          ? decodeCheckpointMetadata(committed.position, encodeCheckpointMetadata(committed))
          : undefined;
        const b = newEngine(restored);
        for (let i = Number(restored?.position ?? 0n); i < input.length; i++) b.process(input[i] as Span[], BigInt(i));
        b.flush();
        for (const r of b.drain().aggregates) {
          const first = seen.get(r.id);
          // A re-emitted id carries exactly what was emitted the first time: consumers may apply either.
          if (first) expect(r).toEqual(first);
          else seen.set(r.id, r);
        }
        expect(new Map([...seen].sort())).toEqual(new Map([...expected].sort()));
      }
    }
  });

  it('checkpoints at the earliest record still contributing to an open window or trace', () => {
    const { input } = records(3, 40);
    const e = newEngine();
    input.forEach((r, i) => {
      e.process(r, BigInt(i));
    });
    const c = e.checkpoint();
    expect(c).toBeDefined();
    expect((c as Checkpoint).position).toBeLessThan(BigInt(input.length));
    e.flush();
    expect(e.checkpoint()?.position).toBe(BigInt(input.length));
  });
});
