import { describe, expect, it } from 'vitest';
import { ok } from '../../test/decode-result.ts';
import { jsonToProto, nanos } from '../../test/fixtures/otlp.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

function traces(attributes: unknown[]): { resourceSpans: unknown[] } {
  return {
    resourceSpans: [
      {
        resource: { attributes: [] },
        scopeSpans: [
          {
            scope: { name: 's' },
            spans: [{ traceId: TRACE, spanId: '0000000000000001', endTimeUnixNano: nanos(1), attributes }],
          },
        ],
      },
    ],
  };
}

/** Both decoders, on the same data: they must agree. */
function decodeBoth(json: { resourceSpans: unknown[] }) {
  const fromJson = ok(decodeOtlpJson(JSON.stringify(json)));
  const fromProto = ok(decodeOtlpProto(jsonToProto(json)));
  expect(fromJson).toEqual(fromProto);
  return fromJson;
}

describe('int64 attribute values read as text (a tenant id that is a number)', () => {
  it('keeps 64-bit values exact past 2^53, where a double would merge neighbouring ids', () => {
    for (const id of ['1234567890123456789', '9007199254740993', '-9223372036854775808', '9223372036854775807']) {
      const [s] = decodeBoth(traces([{ key: 'telltale.tenant.id', value: { intValue: id } }]));
      expect(s?.tenant, id).toBe(id);
    }
    const [small] = decodeBoth(traces([{ key: 'telltale.tenant.id', value: { intValue: '-42' } }]));
    expect(small?.tenant).toBe('-42');
  });

  it('writes JSON int64 text in canonical form, and refuses one past the int64 range', () => {
    const [s] = ok(
      decodeOtlpJson(
        JSON.stringify(traces([{ key: 'telltale.tenant.id', value: { intValue: '0001234567890123456789' } }])),
      ),
    );
    expect(s?.tenant).toBe('1234567890123456789');
    const r = decodeOtlpJson(
      JSON.stringify(traces([{ key: 'telltale.tenant.id', value: { intValue: '99999999999999999999' } }])),
    );
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('int64 out of range') });
  });
});

describe('an attribute without a key in OTLP/JSON', () => {
  it('is an empty key, as proto3 JSON leaves defaults out (the collector writes it so): skipped, not a bad record', () => {
    const [s] = decodeBoth(
      traces([{ value: { stringValue: 'x' } }, { key: 'telltale.tenant.id', value: { stringValue: 't' } }]),
    );
    expect(s?.tenant).toBe('t');
  });
});
