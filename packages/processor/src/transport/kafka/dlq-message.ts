import {
  DLQ_HEADER_REASON,
  DLQ_HEADER_SOURCE_OFFSET,
  DLQ_HEADER_SOURCE_PARTITION,
  DLQ_HEADER_SOURCE_TOPIC,
} from '@telltale/conventions';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** The DLQ record for an undecodable input record: its original key, value and headers, plus why and where from. */
export function dlqMessage(source: KafkaMessage, topic: string, partition: number, reason: string): Message {
  const headers: IHeaders = { ...source.headers };
  headers[DLQ_HEADER_REASON] = reason;
  headers[DLQ_HEADER_SOURCE_TOPIC] = topic;
  headers[DLQ_HEADER_SOURCE_PARTITION] = String(partition);
  headers[DLQ_HEADER_SOURCE_OFFSET] = source.offset;
  return { key: source.key, value: source.value, headers };
}
