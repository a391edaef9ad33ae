import { AGGREGATE_SCHEMA_V1, SAFETY_EVENT_SCHEMA_V1 } from '@telltale/conventions';
import kafkajs, {
  type Admin,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaJSErrorMetadata,
  type Message,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { EngineCounters } from '../../engine/counters.ts';
import { Engine } from '../../engine/engine.ts';
import type { EngineOptions } from '../../engine/options.ts';
import { ProcessorMetrics } from '../../metrics/processor-metrics.ts';
import type { DecodeResult } from '../../span.ts';
import { commitEntry, readCheckpoint } from './checkpoint-store.ts';
import { dlqMessage } from './dlq-message.ts';
import { chunkByBytes } from './produce-chunks.ts';
import { readTick, type TopicEncoding, tickMessage } from './tick.ts';

export interface KafkaProcessorTopics {
  spans: string;
  aggregates: string;
  safetyEvents: string;
  dlq: string;
}

export interface KafkaProcessorOptions {
  kafka: Kafka;
  groupId: string;
  topics: KafkaProcessorTopics;
  /** Bytes of one input record → spans, or why not. Never throws. */
  decode: (bytes: Uint8Array) => DecodeResult;
  /** Engine settings shared by every partition's engine (give a traceBudget to cap open traces per process). */
  engine: Omit<EngineOptions, 'shard' | 'restore' | 'counters'>;
  counters: EngineCounters;
  metrics: ProcessorMetrics;
  logger: Logger;
  /**
   * Quiet partitions: one whose open windows or traces saw no input for
   * `afterMs` of wall-clock time gets a tick record (in the topic's
   * `encoding`) that advances its stream time by the time it was quiet.
   * Omitted or 0: stream time moves only with data.
   */
  idleTick?: { afterMs: number; encoding: TopicEncoding };
  /**
   * Most bytes (keys, values, headers) one produce request carries. The
   * broker refuses a record batch larger than a topic's max.message.bytes
   * (1 MiB by default), and a closing window can emit thousands of records:
   * output goes out in requests of at most this size. Default 512 KiB.
   */
  maxSendBytes?: number;
  /** The consumer's session timeout (kafkajs default 30 s). */
  sessionTimeoutMs?: number;
}

const DEFAULT_MAX_SEND_BYTES = 512 * 1024;

/**
 * Commit errors that mean this member no longer owns its partitions: the
 * group moved on (a rebalance while the batch ran, or the session expired).
 */
const MEMBERSHIP_LOST = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * The Kafka transport: one consumer in the group, one engine per assigned
 * partition. Per batch: decode → engine → write aggregates, safety events and
 * DLQ records (acks=all) → commit the engine's checkpoint (offset + metadata)
 * → heartbeat. Output is always durable before the offset that produced it is
 * committed, and outputs are deterministic, so a crash at any point replays to
 * the same records with the same ids.
 *
 * Every group (re)join drops all in-memory state: kafkajs resumes each
 * assigned partition at its committed offset, and each engine is rebuilt from
 * the checkpoint committed with it.
 */
export class KafkaProcessor {
  readonly #o: KafkaProcessorOptions;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #admin: Admin;
  readonly #engines = new Map<string, Engine>();
  /** Per shard: its partition and the wall-clock time of its last input (or tick sent). */
  readonly #activity = new Map<string, { partition: number; atMs: number }>();
  #ticker: NodeJS.Timeout | undefined;
  #ticking = false;
  #generation = 0;
  #joined = false;
  #crashed: Error | undefined;
  #onCrash: ((err: Error) => void) | undefined;
  #stopping = false;
  /** The batch being processed, which stop() lets finish (commit included) before leaving the group. */
  #batchInHand: Promise<void> | undefined;

  constructor(options: KafkaProcessorOptions) {
    this.#o = options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    });
    this.#producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.#admin = options.kafka.admin();
    options.metrics.observeOpenState(
      () => this.#sum((e) => e.openTraces),
      () => this.#sum((e) => e.openWindows),
    );
  }

  /** True once the consumer has joined its group and until it stops or crashes. */
  get ready(): boolean {
    return this.#joined && !this.#crashed;
  }

  /** Called once if the consumer crashes beyond kafkajs's own retries. */
  onCrash(listener: (err: Error) => void): void {
    this.#onCrash = listener;
  }

  async start(): Promise<void> {
    const consumer = this.#consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.#generation++;
      this.#dropStates();
      this.#joined = true;
      this.#o.logger.info(
        { assignment: e.payload.memberAssignment },
        'joined consumer group; state rebuilt from checkpoints',
      );
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const err = e.payload.error;
      this.#o.logger.error({ err, restart: e.payload.restart }, 'consumer crashed');
      this.#dropStates();
      if (!e.payload.restart) {
        this.#stopTicker();
        this.#crashed = err;
        this.#onCrash?.(err);
      }
    });
    try {
      await settleAll([this.#producer.connect(), this.#admin.connect(), consumer.connect()], 'connect');
      await consumer.subscribe({ topics: [this.#o.topics.spans], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.#runBatch(payload),
      });
      const idle = this.#o.idleTick;
      if (idle && idle.afterMs > 0)
        this.#ticker = setInterval(() => void this.#tickQuietPartitions(idle), Math.max(100, idle.afterMs / 4)).unref();
    } catch (err) {
      // Whatever did connect must not outlive a failed start (an embedder would leak its sockets).
      await this.#disconnect().catch((e: unknown) =>
        this.#o.logger.warn({ err: e }, 'disconnect after a failed start failed'),
      );
      throw err;
    }
  }

  /** Finishes the batch in hand (emit, commit), leaves the group, disconnects all three clients. */
  async stop(): Promise<void> {
    this.#joined = false;
    this.#stopping = true;
    this.#stopTicker();
    // Before disconnecting: once kafkajs is stopping it skips commits without a word, so the batch in hand would be
    // written but not committed (a restart would replay it).
    await this.#batchInHand?.catch(() => {});
    await this.#disconnect();
  }

  #runBatch(payload: EachBatchPayload): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    const run = this.#eachBatch(payload);
    this.#batchInHand = run;
    return run.finally(() => {
      if (this.#batchInHand === run) this.#batchInHand = undefined;
    });
  }

  /**
   * The consumer first (it finishes its batch, which still writes through the
   * producer), then producer and admin, each attempted whatever the others did.
   */
  async #disconnect(): Promise<void> {
    const consumer = await Promise.allSettled([this.#consumer.disconnect()]);
    const rest = await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect()]);
    throwFailures([...consumer, ...rest], 'disconnect');
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const shard = `${topic}/${partition}`;
    const generation = this.#generation;
    let engine = this.#engines.get(shard);
    if (!engine) {
      const restore = await readCheckpoint(this.#admin, this.#o.groupId, topic, partition);
      if (generation !== this.#generation) return;
      engine = new Engine({ ...this.#o.engine, shard, counters: this.#o.counters, ...(restore ? { restore } : {}) });
      this.#engines.set(shard, engine);
      this.#o.logger.info(
        { shard, from: restore?.position.toString() ?? 'start', streamTimeMs: restore?.streamTimeMs },
        'partition state restored from checkpoint',
      );
    }
    const dlq: Message[] = [];
    let last: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.#stopping) break;
      const offset = BigInt(message.offset);
      const next = engine.nextPosition;
      // Already in this engine's state (kafkajs re-fetched from the committed offset): skip, never count twice.
      if (next === undefined || offset >= next) {
        this.#o.metrics.records.inc();
        const tick = readTick(message);
        if (tick.tick && 'ms' in tick) engine.tick(tick.ms, offset);
        else {
          const decoded: DecodeResult = tick.tick
            ? { ok: false, reason: tick.error }
            : message.value
              ? this.#o.decode(message.value)
              : { ok: false, reason: 'empty record value (tombstone)' };
          if (decoded.ok) engine.process(decoded.spans, offset);
          else {
            engine.process([], offset);
            dlq.push(dlqMessage(message, topic, partition, decoded.reason));
            this.#o.metrics.dlqRecords.inc({ reason: ProcessorMetrics.dlqReasonLabel(decoded.reason) });
          }
        }
      }
      resolveOffset(message.offset);
      last = message.offset;
    }
    if (last !== undefined) {
      this.#observeLag(batch, last);
      this.#activity.set(shard, { partition, atMs: Date.now() });
    }
    try {
      await this.#emit(engine, dlq);
    } catch (err) {
      // The output has left the engine and maybe not reached Kafka, and the batch is resolved: kafkajs retrying
      // this error would fetch on past it, and the output would be lost. As a non-retriable error it restarts
      // the consumer instead (or stops it, by the cause), and every partition is rebuilt from its checkpoint.
      this.#o.logger.warn({ shard, err }, 'writing output failed; partitions are rebuilt from their checkpoints');
      this.#dropStates();
      // kafkajs restarts a consumer whose error's cause is retriable; its typings leave `cause` out of the metadata.
      const metadata = { retriable: false, cause: err } as KafkaJSErrorMetadata;
      throw new kafkajs.KafkaJSError(err instanceof Error ? err : String(err), metadata);
    }
    // A rejoin while we were writing: the new generation rebuilds from the committed checkpoint; do not commit.
    if (this.#engines.get(shard) !== engine || generation !== this.#generation) return;
    // Also after a batch cut short by isRunning/isStale: the checkpoint never passes the last record processed.
    const checkpoint = engine.checkpoint();
    if (checkpoint) {
      try {
        await this.#consumer.commitOffsets([commitEntry(topic, partition, checkpoint)]);
      } catch (err) {
        const cause = rootCause(err);
        if (typeof cause.type === 'string' && MEMBERSHIP_LOST.has(cause.type)) {
          // Refused: the partition may be another member's now, and this engine is ahead of the last accepted
          // commit. Drop it; the error as the broker gave it (kafkajs wraps it without its type) makes kafkajs
          // rejoin, and whoever owns the partition rebuilds it from the checkpoint.
          this.#o.logger.warn({ shard, err: cause }, 'commit refused: this member left the group; rejoining');
          this.#dropStates();
          throw cause;
        }
        throw err;
      }
      this.#o.metrics.commits.inc();
    }
    await heartbeat();
  }

  async #emit(engine: Engine, dlq: Message[]): Promise<void> {
    const out = engine.drain();
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    if (out.aggregates.length > 0)
      topicMessages.push({
        topic: this.#o.topics.aggregates,
        messages: out.aggregates.map((r) => ({
          key: r.id,
          value: JSON.stringify(r),
          headers: { schema: AGGREGATE_SCHEMA_V1 },
        })),
      });
    if (out.safetyEvents.length > 0)
      topicMessages.push({
        topic: this.#o.topics.safetyEvents,
        messages: out.safetyEvents.map((r) => ({
          key: r.id,
          value: JSON.stringify(r),
          headers: { schema: SAFETY_EVENT_SCHEMA_V1 },
        })),
      });
    if (dlq.length > 0) topicMessages.push({ topic: this.#o.topics.dlq, messages: dlq });
    // In order, one request after the other: the producer is idempotent with one request in flight.
    for (const chunk of chunkByBytes(topicMessages, this.#o.maxSendBytes ?? DEFAULT_MAX_SEND_BYTES))
      await this.#producer.sendBatch({ topicMessages: chunk, acks: -1 });
  }

  #observeLag(batch: Batch, lastOffset: string): void {
    const lag = BigInt(batch.highWatermark) - BigInt(lastOffset) - 1n;
    this.#o.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(lag > 0n ? lag : 0n));
  }

  #dropStates(): void {
    for (const e of this.#engines.values()) e.dispose();
    this.#engines.clear();
    this.#activity.clear();
    // Partitions this member no longer owns must not go on reporting their last lag.
    this.#o.metrics.lag.reset();
  }

  /**
   * Writes a tick into each assigned partition that holds open state and has
   * been quiet for `afterMs`: its stream time moves on by the quiet time, as
   * if event time kept pace with the wall clock, so a live stream's windows
   * close about `afterMs` after its traffic stops, and data replayed from the
   * past is not made late by a pause. The tick goes through the log, never
   * straight into the engine: a replay meets it at the same offset.
   */
  async #tickQuietPartitions(idle: { afterMs: number; encoding: TopicEncoding }): Promise<void> {
    if (this.#ticking || !this.ready) return;
    this.#ticking = true;
    try {
      const now = Date.now();
      const due: { shard: string; partition: number; toMs: number }[] = [];
      for (const [shard, engine] of this.#engines) {
        const seen = this.#activity.get(shard);
        if (!seen || now - seen.atMs < idle.afterMs) continue;
        if ((engine.openWindows === 0 && engine.openTraces === 0) || !Number.isFinite(engine.streamTimeMs)) continue;
        due.push({ shard, partition: seen.partition, toMs: engine.streamTimeMs + (now - seen.atMs) });
      }
      if (due.length === 0) return;
      await this.#producer.send({
        topic: this.#o.topics.spans,
        messages: due.map((d) => tickMessage(d.partition, d.toMs, idle.encoding)),
        acks: -1,
      });
      for (const d of due) {
        const seen = this.#activity.get(d.shard);
        if (seen) seen.atMs = now;
      }
      this.#o.metrics.ticks.inc(due.length);
    } catch (err) {
      // The next round tries again; ticks only hurry windows along, nothing is lost without them.
      this.#o.logger.warn({ err }, 'writing stream-time ticks failed');
    } finally {
      this.#ticking = false;
    }
  }

  #stopTicker(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #sum(f: (e: Engine) => number): number {
    let n = 0;
    for (const e of this.#engines.values()) n += f(e);
    return n;
  }
}

/** The error at the end of a chain of `cause`s (kafkajs wraps the broker's error when it gives up retrying). */
function rootCause(err: unknown): { type?: unknown; message?: unknown } {
  let e = err as { cause?: unknown } | null | undefined;
  for (let depth = 0; depth < 8 && e && typeof e === 'object' && e.cause; depth++) e = e.cause as typeof e;
  return (e ?? {}) as { type?: unknown };
}

/** Waits for every promise, then fails with the first failure (all were attempted). */
async function settleAll(promises: Promise<unknown>[], what: string): Promise<void> {
  throwFailures(await Promise.allSettled(promises), what);
}

function throwFailures(results: PromiseSettledResult<unknown>[], what: string): void {
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length === 1) throw failed[0]?.reason;
  if (failed.length > 1)
    throw new AggregateError(
      failed.map((f) => f.reason),
      `${failed.length} Kafka clients failed to ${what}`,
    );
}
