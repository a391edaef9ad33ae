import { describe, expect, it } from 'vitest';
import { ok } from '../../test/decode-result.ts';
import { nanos, tracesProto } from '../../test/fixtures/otlp.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

const T1 = '5b8efff798038103d269b633813fc60c';
const T2 = '00000000000000000000000000000001';
const ROOT = 'eee19b7ec3c1b174';

describe('decodeOtlpProto ids, which it reuses between spans of a record', () => {
  it('gives each span its own ids when children come before their root and traces interleave', () => {
    const span = (traceId: string, spanId: string, parentSpanId = '') => ({
      traceId,
      spanId,
      parentSpanId,
      endTimeUnixNano: nanos(1),
    });
    const spans = [
      span(T1, '0000000000000001', ROOT),
      span(T1, '0000000000000002', '0000000000000001'),
      span(T1, '0000000000000003', ROOT),
      span(T1, ROOT),
      span(T2, '0000000000000004', ROOT),
      span(T2, '0000000000000001', '0000000000000004'),
    ];
    const decoded = ok(decodeOtlpProto(tracesProto([{ attributes: {}, scopes: [{ name: 's', spans }] }])));
    expect(decoded.map((s) => [s.traceId, s.spanId, s.parentSpanId])).toEqual(
      spans.map((s) => [s.traceId, s.spanId, s.parentSpanId]),
    );
  });
});
