import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  aggregateRecordSchema,
  DLQ_HEADER_REASON,
  DLQ_HEADER_SOURCE_OFFSET,
  DLQ_HEADER_SOURCE_PARTITION,
  DLQ_HEADER_SOURCE_TOPIC,
  safetyEventRecordSchema,
  TICK_HEADER,
} from '@telltale/conventions';
import type { Message } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, kafkaBrokers, uniqueTopic, waitUntil } from '../../../test/infra/index.ts';
import {
  distinctSafetyEvents,
  priceFileYaml,
  produce,
  readTopic,
  startCli,
  type Topics,
  tickMessages,
  waitForTruth,
  workloadMessages,
} from './kafka-harness.ts';
import { generateWorkload } from './workload.ts';

const PARTITIONS = 4;
let brokers: string[];
let pricesDir: string;
let pricesFile: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  brokers = kafkaBrokers();
  pricesDir = mkdtempSync(join(tmpdir(), 'telltale-prices-'));
  pricesFile = join(pricesDir, 'prices.yaml');
  writeFileSync(pricesFile, priceFileYaml());
});

afterAll(() => {
  if (pricesDir) rmSync(pricesDir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(name: string): Promise<{ topics: Topics; groupId: string }> {
  const topics: Topics = {
    spans: uniqueTopic(`${name}-spans`),
    aggregates: uniqueTopic(`${name}-aggregates`),
    safetyEvents: uniqueTopic(`${name}-safety`),
    dlq: uniqueTopic(`${name}-dlq`),
  };
  await createTopics(brokers, [
    { topic: topics.spans, numPartitions: PARTITIONS },
    { topic: topics.aggregates, numPartitions: 2 },
    { topic: topics.safetyEvents, numPartitions: 1 },
    { topic: topics.dlq, numPartitions: 1 },
  ]);
  return { topics, groupId: uniqueTopic(`${name}-group`) };
}

async function reader(topic: string) {
  const r = await readTopic(brokers, topic);
  cleanups.push(r.stop);
  return r.messages;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const size = Math.ceil(xs.length / n);
  return Array.from({ length: n }, (_, i) => xs.slice(i * size, (i + 1) * size));
}

describe('telltale-processor against a real Kafka broker', () => {
  it('aggregates of a multi-partition topic merge to exactly the independently computed ground truth', async () => {
    const { topics, groupId } = await setup('truth');
    const w = generateWorkload({ traces: 400, seed: 11 });
    await produce(brokers, topics.spans, [...workloadMessages(w), ...tickMessages(w, PARTITIONS)]);
    const aggregates = await reader(topics.aggregates);
    const safety = await reader(topics.safetyEvents);
    const cli = await startCli({ name: 'processor-truth', brokers, topics, groupId, pricesFile });
    cleanups.push(() => cli.stop());
    const byId = await waitForTruth(aggregates, w, 'aggregates equal the ground truth', () =>
      cli.output().includes('"level":60') ? cli.output() : undefined,
    );
    for (const r of byId.values()) aggregateRecordSchema.parse(r);
    expect(new Set([...byId.values()].map((r) => r.shard))).toEqual(
      new Set(Array.from({ length: PARTITIONS }, (_, p) => `${topics.spans}/${p}`)),
    );
    await waitForCount(() => distinctSafetyEvents(safety), w.safetyEvents, 'every safety event on the audit topic');
    for (const m of safety) safetyEventRecordSchema.parse(JSON.parse(m.value?.toString() ?? ''));
    // Graceful stop (SIGTERM): exits 0 after its last commit.
    await cli.stop();
    expect(await cli.exited).toBe(0);
  });

  it('closes the windows of partitions gone quiet with ticks through the log, to exactly the ground truth', async () => {
    const { topics, groupId } = await setup('idle');
    const w = generateWorkload({ traces: 200, seed: 23 });
    // No trailing tick records from the test: only the processor's own idle ticks can close the last windows.
    await produce(brokers, topics.spans, workloadMessages(w));
    const aggregates = await reader(topics.aggregates);
    const spans = await reader(topics.spans);
    const cli = await startCli({ name: 'processor-idle', brokers, topics, groupId, pricesFile, idleTickMs: 1_000 });
    cleanups.push(() => cli.stop());
    await waitForTruth(aggregates, w, 'aggregates equal the ground truth without new data', () =>
      cli.output().includes('"level":60') ? cli.output() : undefined,
    );
    const ticks = spans.filter((m) => m.headers?.[TICK_HEADER] !== undefined);
    expect(ticks.length).toBeGreaterThan(0);
    // An empty TracesData: a reader of the topic finds no spans in a tick.
    for (const t of ticks) expect(t.value?.length ?? 0).toBe(0);
    // Once everything closed, a quiet partition gets no more ticks.
    const settled = ticks.length;
    await sleep(4_000);
    const later = spans.filter((m) => m.headers?.[TICK_HEADER] !== undefined).length;
    const metrics = await (await fetch(`http://127.0.0.1:${cli.port}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`telltale_processor_idle_ticks_total ${later}\\b`));
    expect(later - settled).toBeLessThanOrEqual(PARTITIONS);
  });

  it('reads otlp_json records from gzip-compressed batches to exactly the ground truth', async () => {
    const { topics, groupId } = await setup('json-gzip');
    const w = generateWorkload({ traces: 200, seed: 55 });
    await produce(
      brokers,
      topics.spans,
      [...workloadMessages(w, 'otlp_json'), ...tickMessages(w, PARTITIONS, 'otlp_json')],
      { gzip: true },
    );
    const aggregates = await reader(topics.aggregates);
    const cli = await startCli({ name: 'processor-json', brokers, topics, groupId, pricesFile, encoding: 'otlp_json' });
    cleanups.push(() => cli.stop());
    await waitForTruth(aggregates, w, 'ground truth from otlp_json + gzip');
  });

  it('a processor killed with SIGKILL at a random moment and restarted still yields exactly the ground truth', async () => {
    const { topics, groupId } = await setup('sigkill');
    const w = generateWorkload({ traces: 400, seed: 22 });
    const parts = chunks(workloadMessages(w), 10);
    const aggregates = await reader(topics.aggregates);
    const first = await startCli({ name: 'processor-kill-1', brokers, topics, groupId, pricesFile });
    const killAfter = randomInt(2, 8);
    await produce(brokers, topics.spans, parts[0] as Message[]);
    // One checkpoint committed first, so the restart has one to resume from; the kill is at random after that.
    await waitUntil(async () => (await commits(first.port)) > 0, { what: 'the first commit', timeoutMs: 60_000 });
    for (let i = 1; i < killAfter; i++) {
      await produce(brokers, topics.spans, parts[i] as Message[]);
      await sleep(randomInt(50, 400));
    }
    first.kill();
    await first.exited;
    await produce(brokers, topics.spans, parts.slice(killAfter).flat());
    const second = await startCli({ name: 'processor-kill-2', brokers, topics, groupId, pricesFile });
    cleanups.push(() => second.stop());
    await produce(brokers, topics.spans, tickMessages(w, PARTITIONS));
    await waitForTruth(aggregates, w, `ground truth after SIGKILL after chunk ${killAfter}`);
    // The restart resumed from checkpoints the killed process committed, not from the start.
    expect(second.output()).toMatch(/"from":"\d+".*"msg":"partition state restored from checkpoint"/);
  });

  it('two replicas in one group with a rebalance in the middle still yield exactly the ground truth', async () => {
    const { topics, groupId } = await setup('rebalance');
    const w = generateWorkload({ traces: 400, seed: 33 });
    const parts = chunks(workloadMessages(w), 6);
    const aggregates = await reader(topics.aggregates);
    const a = await startCli({ name: 'processor-replica-a', brokers, topics, groupId, pricesFile });
    cleanups.push(() => a.stop());
    await produce(brokers, topics.spans, [...(parts[0] ?? []), ...(parts[1] ?? [])]);
    // B joins: the group rebalances and the partitions split between A and B.
    const b = await startCli({ name: 'processor-replica-b', brokers, topics, groupId, pricesFile });
    cleanups.push(() => b.stop());
    await produce(brokers, topics.spans, [...(parts[2] ?? []), ...(parts[3] ?? [])]);
    // A leaves mid-stream: B takes every partition over from A's checkpoints.
    await a.stop();
    await produce(brokers, topics.spans, [...(parts[4] ?? []), ...(parts[5] ?? []), ...tickMessages(w, PARTITIONS)]);
    await waitForTruth(aggregates, w, 'ground truth across a rebalance');
    // Both replicas owned partitions, and B took A's over from the checkpoints A committed.
    const restored = /"shard":"[^"]+","from":"(\d+|start)"[^\n]*partition state restored from checkpoint/g;
    expect(a.output().match(restored)?.length ?? 0).toBeGreaterThan(0);
    expect(b.output()).toMatch(/"from":"\d+"[^\n]*partition state restored from checkpoint/);
  });

  it('poison records land in the DLQ with the original bytes and their origin, and the rest still match', async () => {
    const { topics, groupId } = await setup('poison');
    const w = generateWorkload({ traces: 200, seed: 44 });
    const good = workloadMessages(w);
    expect(good.length).toBeGreaterThan(50 * 4);
    const poison: Message[] = [
      // Not plain random bytes: about one 64-byte draw in a thousand reads as a valid TracesData
      // of unknown fields. Tag 0x07 (field 0, wire type 7) is invalid protobuf whatever follows.
      { key: 'garbage', value: Buffer.concat([Buffer.from([0x07]), randomBytes(63)]) },
      { key: 'truncated', value: (good[0]?.value as Buffer | undefined)?.subarray(0, 20) ?? null },
      { key: 'not-otlp', value: Buffer.from('{"hello":"world"}') },
      { key: 'empty', value: null },
    ];
    const mixed: Message[] = [];
    good.forEach((m, i) => {
      mixed.push(m);
      const p = poison[(i / 50) | 0];
      if (i % 50 === 25 && p) mixed.push(p);
    });
    await produce(brokers, topics.spans, [...mixed, ...tickMessages(w, PARTITIONS)]);
    const aggregates = await reader(topics.aggregates);
    const dlq = await reader(topics.dlq);
    const cli = await startCli({ name: 'processor-poison', brokers, topics, groupId, pricesFile });
    cleanups.push(() => cli.stop());
    await waitForTruth(aggregates, w, 'ground truth despite poison records');
    const bySource = new Map<string, (typeof dlq)[number]>();
    await waitForCount(
      () => {
        for (const m of dlq)
          bySource.set(`${m.headers?.[DLQ_HEADER_SOURCE_PARTITION]}/${m.headers?.[DLQ_HEADER_SOURCE_OFFSET]}`, m);
        return bySource.size;
      },
      poison.length,
      'every poison record in the DLQ',
    );
    for (const m of bySource.values()) {
      expect(m.headers?.[DLQ_HEADER_SOURCE_TOPIC]?.toString()).toBe(topics.spans);
      expect(m.headers?.[DLQ_HEADER_REASON]?.toString()).toMatch(/\S/);
      const original = poison.find((p) => p.key === m.key?.toString());
      expect(original, `DLQ record with key ${m.key?.toString()}`).toBeDefined();
      expect(m.value ?? null).toEqual(original?.value ?? null);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${cli.port}/metrics`)).text();
    expect(metrics).toMatch(/telltale_processor_dlq_records_total\{reason="[^"]+"\} \d/);
    const dlqTotal = [...metrics.matchAll(/^telltale_processor_dlq_records_total\{[^}]*\} (\d+)/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    expect(dlqTotal).toBeGreaterThanOrEqual(poison.length);
  });
});

async function waitForCount(count: () => number, want: number, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (count() >= want) break;
    await sleep(200);
  }
  expect(count(), what).toBe(want);
}

/** The processor's telltale_processor_commits_total, from its /metrics. */
async function commits(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^telltale_processor_commits_total (\d+)/m.exec(text)?.[1] ?? 0);
}
