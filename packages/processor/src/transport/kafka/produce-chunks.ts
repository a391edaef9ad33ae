import type { Message } from 'kafkajs';

export type TopicMessages = { topic: string; messages: Message[] };

/**
 * Splits output into requests of at most `maxBytes` (keys, values and
 * headers), keeping order within each topic. A record larger than that goes
 * alone: the broker takes it if the topic allows it.
 */
export function chunkByBytes(topicMessages: TopicMessages[], maxBytes: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let chunk: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let current: TopicMessages | undefined;
    for (const m of messages) {
      const size = messageBytes(m);
      if (bytes > 0 && bytes + size > maxBytes) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
        current = undefined;
      }
      if (!current) {
        current = { topic, messages: [] };
        chunk.push(current);
      }
      current.messages.push(m);
      bytes += size;
    }
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function messageBytes(m: Message): number {
  let n = byteLength(m.key) + byteLength(m.value);
  if (m.headers)
    for (const [k, v] of Object.entries(m.headers)) {
      n += Buffer.byteLength(k);
      if (Array.isArray(v)) for (const x of v) n += byteLength(x);
      else n += byteLength(v);
    }
  return n;
}

function byteLength(v: string | Buffer | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
