import { TICK_HEADER } from '@telltale/conventions';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../../decode/otlp-json.ts';
import { decodeOtlpProto } from '../../decode/otlp-proto.ts';
import { readTick, tickMessage } from './tick.ts';

const message = (headers: KafkaMessage['headers'] = {}): KafkaMessage => ({
  key: null,
  value: Buffer.alloc(0),
  timestamp: '0',
  attributes: 0,
  offset: '7',
  headers,
});

describe('stream-time ticks', () => {
  it('round-trips the time through the header', () => {
    const m = tickMessage(3, 1_748_736_012_345, 'otlp_proto');
    expect(m.partition).toBe(3);
    expect(readTick(message(m.headers))).toEqual({ tick: true, ms: 1_748_736_012_345 });
  });

  it('carries an empty TracesData that both decoders read as no spans', () => {
    const proto = tickMessage(0, 1, 'otlp_proto').value as Buffer;
    const json = tickMessage(0, 1, 'otlp_json').value as Buffer;
    expect(decodeOtlpProto(proto)).toEqual({ ok: true, spans: [] });
    expect(decodeOtlpJson(json)).toEqual({ ok: true, spans: [] });
  });

  it('is not a tick without the header', () => {
    expect(readTick(message({}))).toEqual({ tick: false });
  });

  it('names the header and the bad value when it cannot be read', () => {
    for (const bad of ['soon', '-5', '1.5', '', '99999999999999999'])
      expect(readTick(message({ [TICK_HEADER]: Buffer.from(bad) }))).toEqual({
        tick: true,
        error: `tick: header ${TICK_HEADER} must be one decimal Unix time in ms, got ${JSON.stringify(bad)}`,
      });
    expect(readTick(message({ [TICK_HEADER]: ['1', '2'] }))).toMatchObject({ tick: true, error: expect.any(String) });
  });
});
