import { TICK_HEADER } from '@telltale/conventions';
import type { KafkaMessage, Message } from 'kafkajs';

export type TopicEncoding = 'otlp_proto' | 'otlp_json';

/** An empty TracesData: zero bytes in protobuf, `{}` in OTLP JSON. Other readers of the topic see no spans. */
const EMPTY: Record<TopicEncoding, Buffer> = {
  otlp_proto: Buffer.alloc(0),
  otlp_json: Buffer.from('{}'),
};

/** The tick record for `partition`: stream time there may advance to `toMs`. */
export function tickMessage(partition: number, toMs: number, encoding: TopicEncoding): Message {
  return { partition, value: EMPTY[encoding], headers: { [TICK_HEADER]: String(toMs) } };
}

/** What a record is: spans to decode, a tick to `ms`, or a tick whose header cannot be read (for the DLQ). */
export type TickRead = { tick: false } | { tick: true; ms: number } | { tick: true; error: string };

const NOT_A_TICK: TickRead = { tick: false };
const DECIMAL_MS = /^\d{1,16}$/;

export function readTick(message: KafkaMessage): TickRead {
  const header = message.headers?.[TICK_HEADER];
  if (header === undefined) return NOT_A_TICK;
  const text = Array.isArray(header) ? undefined : header?.toString();
  const ms = text !== undefined && DECIMAL_MS.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(ms))
    return {
      tick: true,
      error: `tick: header ${TICK_HEADER} must be one decimal Unix time in ms, got ${JSON.stringify(text ?? header)}`,
    };
  return { tick: true, ms };
}
