import { describe, expect, it } from 'vitest';
import { nanos, tracesJson, tracesProto } from '../../test/fixtures/otlp.ts';
import { DEFAULT_MAX_INPUT_BYTES, decoderFor, ENCODINGS, failurePath, isEncoding } from './decoders.ts';

const payload = [
  {
    attributes: { 'service.name': 'svc' },
    scopes: [{ name: 's', spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), endTimeUnixNano: nanos(42) }] }],
  },
];

describe('decoderFor', () => {
  it('selects the decoder by the kafka exporter encoding name', () => {
    const proto = decoderFor('otlp_proto')(tracesProto(payload));
    const json = decoderFor('otlp_json')(Buffer.from(JSON.stringify(tracesJson(payload))));
    expect(proto).toEqual(json);
    expect(proto.ok && proto.spans[0]?.endTimeMs).toBe(42);
  });

  it('knows exactly the two OTLP encodings', () => {
    expect(ENCODINGS).toEqual(['otlp_proto', 'otlp_json']);
    expect(isEncoding('otlp_json')).toBe(true);
    expect(isEncoding('jaeger_proto')).toBe(false);
  });

  it('refuses input over the size limit without reading it, naming the limit', () => {
    const bytes = tracesProto(payload);
    const decode = decoderFor('otlp_proto', { maxBytes: bytes.length - 1 });
    expect(decode(bytes)).toEqual({
      ok: false,
      reason: `otlp_proto: input of ${bytes.length} bytes exceeds the limit of ${bytes.length - 1} bytes`,
    });
    expect(decoderFor('otlp_proto', { maxBytes: bytes.length })(bytes).ok).toBe(true);
  });

  it('defaults to the 20 MiB limit the OTLP/HTTP specification recommends', () => {
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(20 * 1024 * 1024);
    const result = decoderFor('otlp_json')(new Uint8Array(DEFAULT_MAX_INPUT_BYTES + 1));
    expect(result.ok === false && result.reason).toMatch(/exceeds the limit of 20971520 bytes/);
  });

  it('rejects a limit that is not a positive integer at construction', () => {
    expect(() => decoderFor('otlp_json', { maxBytes: 0 })).toThrow(/maxBytes must be a positive integer/);
  });
});

describe('failurePath', () => {
  it("reads the field path out of either decoder's failure reason", () => {
    const proto = decoderFor('otlp_proto')(Buffer.from([0x0a, 0x05, 0x12, 0x03, 0x0a]));
    expect(proto.ok === false && failurePath(proto.reason)).toMatch(/^TracesData\.resource_spans\[0\]/);
    const json = decoderFor('otlp_json')(Buffer.from('{"resourceSpans":[{"scopeSpans":7}]}'));
    expect(json.ok === false && failurePath(json.reason)).toBe('resourceSpans[0].scopeSpans');
    const notJson = decoderFor('otlp_json')(Buffer.from('{'));
    expect(notJson.ok === false && failurePath(notJson.reason)).toBe('');
  });
});
