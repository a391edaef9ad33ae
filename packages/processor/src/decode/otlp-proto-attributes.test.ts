import { describe, expect, it } from 'vitest';
import { ok, reason } from '../../test/decode-result.ts';
import { nanos, tracesProto } from '../../test/fixtures/otlp.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

function withAttributes(attributes: Record<string, string | number>): Uint8Array {
  return tracesProto([
    {
      attributes: {},
      scopes: [
        { name: 's', spans: [{ traceId: TRACE, spanId: '0000000000000001', endTimeUnixNano: nanos(1), attributes }] },
      ],
    },
  ]);
}

describe('decodeOtlpProto span attributes in the layout SDKs write (read without the general KeyValue reader)', () => {
  it('reads token counts exactly at every varint length boundary', () => {
    for (const n of [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
      const [s] = ok(
        decodeOtlpProto(withAttributes({ 'gen_ai.usage.input_tokens': n, 'gen_ai.usage.output_tokens': n })),
      );
      expect([s?.inputTokens, s?.outputTokens]).toEqual([n, n]);
    }
  });

  it('reads string values of every length up to the one-byte limit, and past it', () => {
    for (const len of [0, 1, 3, 4, 5, 8, 100, 126, 127, 128, 300]) {
      const tenant = 't'.repeat(Math.max(0, len - 1)) + (len > 0 ? String(len % 10) : '');
      const [s] = ok(decodeOtlpProto(withAttributes({ 'telltale.tenant.id': tenant, 'gen_ai.tool.name': tenant })));
      expect([s?.tenant, s?.toolName]).toEqual([tenant, tenant]);
    }
  });

  it('fails on a token count whose varint is cut short, naming the attribute', () => {
    // KeyValue { key: gen_ai.usage.input_tokens, value: AnyValue { int_value: 0x80 (continues past the end) } }
    const key = Buffer.from('gen_ai.usage.input_tokens');
    const kv = Buffer.concat([Buffer.from([0x0a, key.length]), key, Buffer.from([0x12, 0x02, 0x18, 0x80])]);
    const span = Buffer.concat([
      Buffer.from([0x0a, 0x10]),
      Buffer.from(TRACE, 'hex'),
      Buffer.from([0x12, 0x08]),
      Buffer.alloc(8, 1),
      Buffer.from([0x4a, kv.length]),
      kv,
    ]);
    const bytes = Buffer.concat([Buffer.from([0x0a, span.length + 4, 0x12, span.length + 2, 0x12, span.length]), span]);
    expect(reason(decodeOtlpProto(bytes))).toMatch(
      /truncated varint at byte \d+ in TracesData\.resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]\.attributes\[0\]$/,
    );
  });
});
