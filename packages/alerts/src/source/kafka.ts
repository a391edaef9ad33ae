import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ApplyResult } from '../service/alert-service.ts';

/** Where the source puts aggregates: the service's exactly-once path, and its durable write. */
export interface AggregateSink {
  apply(input: unknown): ApplyResult;
  /** Makes everything applied so far durable (store counts and applied ids). */
  flush(): void;
}

export interface KafkaSourceOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  fromBeginning: boolean;
  /** Consumer group session timeout, ms. */
  sessionTimeout?: number;
  sink: AggregateSink;
  logger: Logger;
}

/**
 * Consumes `telltale.aggregates` with the alert service's own consumer group.
 * Each record is validated against the aggregate schema (bad ones are logged,
 * counted and skipped, never stop the partition), applied through the
 * exactly-once path, made durable, and only then is the offset committed. A
 * crash before the commit replays records whose ids are already applied:
 * duplicates, counted and ignored.
 */
export class KafkaAggregateSource {
  readonly #o: KafkaSourceOptions;
  readonly #consumer: Consumer;
  #joined = false;
  #crashed: Error | undefined;
  #onCrash: ((err: Error) => void) | undefined;

  constructor(options: KafkaSourceOptions) {
    this.#o = options;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...(options.sessionTimeout ? { sessionTimeout: options.sessionTimeout } : {}),
    });
  }

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
      this.#joined = true;
      this.#o.logger.info({ assignment: e.payload.memberAssignment }, 'joined consumer group');
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const err = e.payload.error;
      this.#o.logger.error({ err, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart) {
        this.#crashed = err;
        this.#onCrash?.(err);
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.#o.topic], fromBeginning: this.#o.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /** Finishes the batch in hand (apply, persist, commit), leaves the group, disconnects. */
  async stop(): Promise<void> {
    this.#joined = false;
    await this.#consumer.disconnect();
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    let last: string | undefined;
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      const where = { topic, partition, offset: message.offset };
      let value: unknown;
      let notJson: string | undefined;
      try {
        value = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch (err) {
        notJson = (err as Error).message;
      }
      // Not JSON is invalid too: applied as nothing, so it is counted with the rest.
      const r = this.#o.sink.apply(notJson === undefined ? value : undefined);
      if (r.outcome === 'invalid')
        this.#o.logger.warn(
          {
            ...where,
            reason: notJson
              ? `not JSON: ${notJson}`
              : r.issues
                  .slice(0, 5)
                  .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
                  .join('; '),
          },
          'invalid aggregate record skipped',
        );
      else if (r.outcome === 'too_old' || r.outcome === 'too_new')
        this.#o.logger.debug({ ...where, outcome: r.outcome }, 'aggregate outside the store window skipped');
      resolveOffset(message.offset);
      last = message.offset;
    }
    if (last === undefined) return;
    // Durable first, then the commit: a crash in between replays what is already applied (duplicates).
    this.#o.sink.flush();
    await this.#consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
    await heartbeat();
  }
}
