import { describe, expect, it } from 'vitest';
import { ok } from '../../test/decode-result.ts';
import { nanos, type TestResource, tracesJson, tracesProto } from '../../test/fixtures/otlp.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const safety = (kind: string) => ({
  name: 'telltale.safety',
  timeUnixNano: nanos(5),
  attributes: { 'telltale.safety.kind': kind },
});

const payload: TestResource[] = [
  {
    attributes: {},
    scopes: [
      {
        name: 's',
        spans: [
          { traceId: TRACE, spanId: '0000000000000001', endTimeUnixNano: nanos(9) },
          {
            traceId: TRACE,
            spanId: '0000000000000002',
            endTimeUnixNano: nanos(9),
            events: [safety('blocked'), { name: 'other', timeUnixNano: nanos(6) }, safety('fallback')],
          },
          { traceId: TRACE, spanId: '0000000000000003', endTimeUnixNano: nanos(9) },
        ],
      },
    ],
  },
];

describe('safety events, of which spans without any share one empty array', () => {
  for (const [name, decode] of [
    ['protobuf', () => decodeOtlpProto(tracesProto(payload))],
    ['JSON', () => decodeOtlpJson(Buffer.from(JSON.stringify(tracesJson(payload))))],
  ] as const) {
    it(`keeps every safety event of a span, in order, and none on the others (${name})`, () => {
      for (let round = 0; round < 2; round++) {
        const [before, withEvents, after] = ok(decode());
        expect(withEvents?.safetyEvents.map((e) => e.kind)).toEqual(['blocked', 'fallback']);
        expect(before?.safetyEvents).toEqual([]);
        expect(after?.safetyEvents).toEqual([]);
        // Shared and frozen: nothing can add to the empty array another span holds.
        expect(before?.safetyEvents).toBe(after?.safetyEvents);
        expect(Object.isFrozen(before?.safetyEvents)).toBe(true);
      }
    });
  }
});
