import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { chunkByBytes } from './produce-chunks.ts';

const msg = (key: string, bytes: number, headers?: Message['headers']): Message => ({
  key,
  value: Buffer.alloc(bytes),
  ...(headers ? { headers } : {}),
});

describe('chunkByBytes', () => {
  it('splits output into requests within the byte budget, keeping every record once and in order per topic', () => {
    const aggregates = Array.from({ length: 25 }, (_, i) => msg(`a${i}`, 90 + i));
    const safety = Array.from({ length: 7 }, (_, i) => msg(`s${i}`, 40, { schema: 'telltale.safety-event.v1' }));
    const chunks = chunkByBytes(
      [
        { topic: 'agg', messages: aggregates },
        { topic: 'safety', messages: safety },
      ],
      500,
    );
    expect(chunks.length).toBeGreaterThan(5);
    const sent = (topic: string) =>
      chunks.flatMap((c) => c.filter((t) => t.topic === topic).flatMap((t) => t.messages.map((m) => m.key)));
    expect(sent('agg')).toEqual(aggregates.map((m) => m.key));
    expect(sent('safety')).toEqual(safety.map((m) => m.key));
    for (const c of chunks) {
      const bytes = c
        .flatMap((t) => t.messages)
        .reduce((n, m) => n + String(m.key).length + (m.value as Buffer).length, 0);
      const headerBytes = c.flatMap((t) => t.messages).reduce((n, m) => n + (m.headers ? 30 : 0), 0);
      expect(bytes + headerBytes).toBeLessThanOrEqual(500);
    }
  });

  it('sends a record larger than the budget alone, and nothing for no output', () => {
    const chunks = chunkByBytes(
      [{ topic: 'dlq', messages: [msg('small', 10), msg('big', 5_000), msg('after', 10)] }],
      100,
    );
    expect(chunks.map((c) => c.flatMap((t) => t.messages.map((m) => m.key)))).toEqual([['small'], ['big'], ['after']]);
    expect(chunkByBytes([], 100)).toEqual([]);
  });
});
