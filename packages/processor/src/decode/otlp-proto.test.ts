import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ok, reason } from '../../test/decode-result.ts';
import { nanos, type TestResource, type TestSpan, tracesProto } from '../../test/fixtures/otlp.ts';
import { span } from '../../test/spans.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

function one(s: TestSpan, resource: TestResource['attributes'] = { 'service.name': 'svc' }): TestResource[] {
  return [{ attributes: resource, scopes: [{ name: 'scope', spans: [s] }] }];
}

/** Raw protobuf building blocks, for wire shapes protobufjs would never write. */
const w = {
  tag: (field: number, wt: number) =>
    protobuf.Writer.create()
      .uint32((field << 3) | wt)
      .finish(),
  len: (field: number, body: Uint8Array) =>
    protobuf.Writer.create()
      .uint32((field << 3) | 2)
      .bytes(body)
      .finish(),
  varint: (field: number, v: number) =>
    protobuf.Writer.create()
      .uint32(field << 3)
      .uint64(v)
      .finish(),
  int64: (field: number, v: number) =>
    protobuf.Writer.create()
      .uint32(field << 3)
      .int64(v)
      .finish(),
  fixed64: (field: number, v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return Buffer.concat([w.tag(field, 1), b]);
  },
  double: (field: number, v: number) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    return Buffer.concat([w.tag(field, 1), b]);
  },
  str: (field: number, s: string) => w.len(field, Buffer.from(s)),
  cat: (...parts: Uint8Array[]) => Buffer.concat(parts),
};

function kv(key: string, value: Uint8Array): Uint8Array {
  return w.len(9, w.cat(w.str(1, key), w.len(2, value)));
}

function rawSpan(...fields: Uint8Array[]): Uint8Array {
  const ids = [w.len(1, Buffer.from(TRACE, 'hex')), w.len(2, Buffer.from('eee19b7ec3c1b174', 'hex'))];
  return w.len(1, w.len(2, w.len(2, w.cat(...ids, ...fields))));
}

describe('decodeOtlpProto', () => {
  it('reads every Span field from a payload a general-purpose encoder wrote', () => {
    const spans = ok(
      decodeOtlpProto(
        tracesProto(
          one(
            {
              traceId: TRACE,
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: '00f067aa0ba902b7',
              endTimeUnixNano: nanos(1_700_000_000_123, 456_789),
              statusCode: 2,
              attributes: {
                'gen_ai.operation.name': 'chat',
                'telltale.workflow.name': 'answer',
                'telltale.workflow.outcome': 'success',
                'telltale.tenant.id': 'acme',
                'gen_ai.provider.name': 'openai',
                'gen_ai.request.model': 'gpt-4o',
                'gen_ai.response.model': 'gpt-4o-2024-08-06',
                'gen_ai.usage.input_tokens': 1200,
                'gen_ai.usage.output_tokens': 340,
                'gen_ai.usage.cache_read.input_tokens': 1000,
                'gen_ai.usage.reasoning.output_tokens': 12,
                'telltale.cost.usd': 0.0123,
                'telltale.cost.source': 'provider',
                'gen_ai.tool.name': 'search',
                'error.type': 'timeout',
                'telltale.version.prompt': 'p7',
                'telltale.version.policy': 'pol3',
                'telltale.version.retrieval_config': 'r2',
                'http.request.method': 'POST',
                'gen_ai.response.id': 'chatcmpl-1',
              },
              events: [
                { name: 'exception', timeUnixNano: nanos(1) },
                {
                  name: 'telltale.safety',
                  timeUnixNano: '1700000000123456789',
                  attributes: {
                    'telltale.safety.kind': 'fallback',
                    'telltale.safety.policy': 'model-down',
                    'telltale.safety.action': 'switched',
                    'telltale.safety.severity': 'warning',
                    'telltale.fallback.from': 'gpt-4o',
                    'telltale.fallback.to': 'gpt-4o-mini',
                    'telltale.fallback.reason': 'timeout',
                    'other.key': 'ignored',
                  },
                },
              ],
            },
            { 'service.name': 'checkout', 'service.version': '2.4.1', 'host.name': 'h1' },
          ),
        ),
      ),
    );
    expect(spans).toEqual([
      span({
        traceId: TRACE,
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: '00f067aa0ba902b7',
        endTimeMs: 1_700_000_000_123,
        statusCode: 2,
        service: 'checkout',
        serviceVersion: '2.4.1',
        operation: 'chat',
        workflow: 'answer',
        outcome: 'success',
        tenant: 'acme',
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        inputTokens: 1200,
        outputTokens: 340,
        cacheReadTokens: 1000,
        reasoningTokens: 12,
        costUsd: 0.0123,
        costSource: 'provider',
        toolName: 'search',
        errorType: 'timeout',
        promptVersion: 'p7',
        policyVersion: 'pol3',
        retrievalConfigVersion: 'r2',
        safetyEvents: [
          {
            timeUnixNano: '1700000000123456789',
            kind: 'fallback',
            policy: 'model-down',
            action: 'switched',
            severity: 'warning',
            fallbackFrom: 'gpt-4o',
            fallbackTo: 'gpt-4o-mini',
            fallbackReason: 'timeout',
          },
        ],
      }),
    ]);
  });

  it('gives every span of every scope its own resource, and absent values their defaults', () => {
    const spans = ok(
      decodeOtlpProto(
        tracesProto([
          {
            attributes: { 'service.name': 'a' },
            scopes: [
              { name: 's1', spans: [{ traceId: TRACE, spanId: '0000000000000001', endTimeUnixNano: nanos(10) }] },
              { name: 's2', spans: [{ traceId: TRACE, spanId: '0000000000000002', endTimeUnixNano: nanos(20) }] },
            ],
          },
          {
            attributes: {},
            scopes: [
              { name: 's', spans: [{ traceId: 'f'.repeat(32), spanId: '0000000000000003', endTimeUnixNano: '0' }] },
            ],
          },
        ]),
      ),
    );
    expect(spans.map((s) => [s.service, s.spanId, s.endTimeMs, s.parentSpanId, s.costUsd])).toEqual([
      ['a', '0000000000000001', 10, '', undefined],
      ['a', '0000000000000002', 20, '', undefined],
      ['', '0000000000000003', 0, '', undefined],
    ]);
  });

  it('converts end times to whole milliseconds exactly, also near 2^64 nanoseconds', () => {
    const cases: [bigint, number][] = [
      [0n, 0],
      [999_999n, 0],
      [1_000_000n, 1],
      [1_763_900_000_123_999_999n, 1_763_900_000_123],
      [18_446_744_073_709_551_615n, 18_446_744_073_709],
    ];
    for (const [ns, ms] of cases) {
      const bytes = rawSpan(w.fixed64(8, ns));
      expect(ok(decodeOtlpProto(bytes))[0]?.endTimeMs).toBe(ms);
    }
  });

  it('reads the resource even when it comes after its spans on the wire', () => {
    const resource = w.len(1, w.len(1, w.cat(w.str(1, 'service.name'), w.len(2, w.str(1, 'late-svc')))));
    const scope = w.len(2, w.len(2, w.cat(w.len(1, Buffer.from(TRACE, 'hex')), w.len(2, Buffer.alloc(8, 1)))));
    const bytes = w.len(1, w.cat(scope, resource));
    expect(ok(decodeOtlpProto(bytes))[0]?.service).toBe('late-svc');
  });

  it('skips unknown fields of every wire type, including groups, at every level', () => {
    const unknown = w.cat(
      w.varint(900, 123456789),
      w.fixed64(901, 42n),
      w.str(902, 'x'.repeat(300)),
      w.tag(903, 5),
      Buffer.alloc(4, 7),
      w.tag(904, 3),
      w.varint(1, 5),
      w.tag(904, 4),
    );
    const value = w.cat(unknown, w.str(1, 'chat'));
    const bytes = w.len(
      1,
      w.cat(
        unknown,
        w.len(
          2,
          w.cat(
            unknown,
            w.len(
              2,
              w.cat(
                unknown,
                w.len(1, Buffer.from(TRACE, 'hex')),
                w.len(2, Buffer.from('eee19b7ec3c1b174', 'hex')),
                w.len(9, w.cat(unknown, w.str(1, 'gen_ai.operation.name'), w.len(2, value))),
                w.len(15, w.cat(unknown, w.varint(3, 2))),
              ),
            ),
          ),
        ),
      ),
    );
    const [s] = ok(decodeOtlpProto(bytes));
    expect(s?.operation).toBe('chat');
    expect(s?.statusCode).toBe(2);
  });

  it('accepts a KeyValue whose value comes before its key', () => {
    const bytes = rawSpan(w.len(9, w.cat(w.len(2, w.str(1, 'acme')), w.str(1, 'telltale.tenant.id'))));
    expect(ok(decodeOtlpProto(bytes))[0]?.tenant).toBe('acme');
  });

  it('reads tokens from int or integral double values and drops negative, fractional or string ones', () => {
    const bytes = rawSpan(
      kv('gen_ai.usage.input_tokens', w.varint(3, 2 ** 40)),
      kv('gen_ai.usage.output_tokens', w.double(4, 77)),
      kv('gen_ai.usage.cache_read.input_tokens', w.int64(3, -5)),
      kv('gen_ai.usage.reasoning.output_tokens', w.double(4, 1.5)),
    );
    const [s] = ok(decodeOtlpProto(bytes));
    expect([s?.inputTokens, s?.outputTokens, s?.cacheReadTokens, s?.reasoningTokens]).toEqual([2 ** 40, 77, 0, 0]);
    const strTokens = rawSpan(kv('gen_ai.usage.input_tokens', w.str(1, '17')));
    expect(ok(decodeOtlpProto(strTokens))[0]?.inputTokens).toBe(0);
  });

  it('keeps an explicit cost only when it is a finite non-negative number', () => {
    const cost = (value: Uint8Array) => ok(decodeOtlpProto(rawSpan(kv('telltale.cost.usd', value))))[0]?.costUsd;
    expect(cost(w.double(4, 0.000123))).toBe(0.000123);
    expect(cost(w.varint(3, 2))).toBe(2);
    expect(cost(w.double(4, 0))).toBe(0);
    expect(cost(w.int64(3, -1))).toBeUndefined();
    expect(cost(w.double(4, Number.NaN))).toBeUndefined();
    expect(cost(w.double(4, Number.POSITIVE_INFINITY))).toBeUndefined();
    expect(cost(w.str(1, '0.5'))).toBeUndefined();
  });

  it('renders non-string values of string attributes as text, and non-scalars as absent', () => {
    const bytes = rawSpan(
      kv('telltale.tenant.id', w.int64(3, -42)),
      kv('telltale.workflow.name', w.varint(2, 1)),
      kv('telltale.version.prompt', w.double(4, 2.5)),
      kv('gen_ai.tool.name', w.len(5, w.len(1, w.str(1, 'a')))),
      kv('error.type', w.len(7, Buffer.from([1, 2]))),
    );
    const [s] = ok(decodeOtlpProto(bytes));
    expect([s?.tenant, s?.workflow, s?.promptVersion, s?.toolName, s?.errorType]).toEqual([
      '-42',
      'true',
      '2.5',
      '',
      '',
    ]);
  });

  it('decodes non-ASCII strings as UTF-8, repeatedly (interned) and alike', () => {
    const bytes = tracesProto(
      one({
        traceId: TRACE,
        spanId: '0000000000000001',
        endTimeUnixNano: '1',
        attributes: { 'telltale.tenant.id': 'Zürich-東京-🚀' },
      }),
    );
    for (let i = 0; i < 3; i++) expect(ok(decodeOtlpProto(bytes))[0]?.tenant).toBe('Zürich-東京-🚀');
  });

  it('maps status codes outside the enum to unset', () => {
    expect(ok(decodeOtlpProto(rawSpan(w.len(15, w.varint(3, 7)))))[0]?.statusCode).toBe(0);
    expect(ok(decodeOtlpProto(rawSpan(w.len(15, w.varint(3, 1)))))[0]?.statusCode).toBe(1);
  });

  it('refuses all-zero trace and span ids (invalid in OTLP), and reads an all-zero parent as none', () => {
    const zeroTrace = w.len(1, w.len(2, w.len(2, w.cat(w.len(1, Buffer.alloc(16)), w.len(2, Buffer.alloc(8, 1))))));
    expect(reason(decodeOtlpProto(zeroTrace))).toMatch(/trace_id is all zeroes.*spans\[0\]/);
    const zeroSpan = w.len(1, w.len(2, w.len(2, w.cat(w.len(1, Buffer.alloc(16, 1)), w.len(2, Buffer.alloc(8))))));
    expect(reason(decodeOtlpProto(zeroSpan))).toMatch(/span_id is all zeroes/);
    expect(ok(decodeOtlpProto(rawSpan(w.len(4, Buffer.alloc(8)))))[0]?.parentSpanId).toBe('');
  });

  it('merges a second status field into the first, as protobuf merges a repeated message', () => {
    // status { code: ERROR } then status { message: "…" }: the code stays.
    const twice = rawSpan(w.len(15, w.varint(3, 2)), w.len(15, w.len(2, Buffer.from('timed out'))));
    expect(ok(decodeOtlpProto(twice))[0]?.statusCode).toBe(2);
    expect(ok(decodeOtlpProto(rawSpan(w.len(15, w.varint(3, 2)), w.len(15, w.varint(3, 1)))))[0]?.statusCode).toBe(1);
  });

  it('answers a failure, not an exception, even for input that is not bytes at all', () => {
    expect(reason(decodeOtlpProto('not bytes' as unknown as Uint8Array))).toMatch(
      /^protobuf: unexpected decoder error/,
    );
  });

  it('reads an empty input as no spans', () => {
    expect(ok(decodeOtlpProto(new Uint8Array(0)))).toEqual([]);
  });

  it('fails with what and where for ids of the wrong size or a missing id', () => {
    const shortTrace = w.len(1, w.len(2, w.len(2, w.cat(w.len(1, Buffer.alloc(3)), w.len(2, Buffer.alloc(8))))));
    expect(reason(decodeOtlpProto(shortTrace))).toMatch(
      /trace_id is 3 bytes, expected 16 at byte \d+ in TracesData\.resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]/,
    );
    const noSpanId = w.len(1, w.len(2, w.len(2, w.len(1, Buffer.alloc(16, 1)))));
    expect(reason(decodeOtlpProto(noSpanId))).toMatch(/span has no span_id/);
    expect(reason(decodeOtlpProto(rawSpan(w.len(4, Buffer.alloc(5)))))).toMatch(/parent_span_id is 5 bytes/);
  });

  it('fails on a known field with the wrong wire type, naming the field and its path', () => {
    const r = reason(decodeOtlpProto(rawSpan(kv('telltale.tenant.id', w.varint(1, 5)))));
    expect(r).toMatch(/field string_value has wire type 0, expected 2/);
    expect(r).toMatch(/spans\[0\]\.attributes\[0\]/);
    expect(reason(decodeOtlpProto(rawSpan(w.varint(8, 1))))).toMatch(/end_time_unix_nano has wire type 0, expected 1/);
  });

  it('fails on lengths past the end, truncated varints, invalid wire types and field 0', () => {
    expect(reason(decodeOtlpProto(Buffer.from([0x0a, 0x05, 0x01])))).toMatch(
      /length 5 runs past the end .* at byte 1 in TracesData/,
    );
    expect(reason(decodeOtlpProto(Buffer.from([0x10, 0x80])))).toMatch(/truncated varint at byte 1 /);
    expect(reason(decodeOtlpProto(Buffer.from([0x17])))).toMatch(/invalid wire type 7 for field 2/);
    expect(reason(decodeOtlpProto(Buffer.from([0x00])))).toMatch(/invalid field tag 0/);
    expect(reason(decodeOtlpProto(Buffer.from([0x10, ...Array(11).fill(0xff)])))).toMatch(
      /varint longer than 10 bytes/,
    );
    expect(reason(decodeOtlpProto(Buffer.from([0x1b, 0x08, 0x01])))).toMatch(/unterminated group for field 3/);
    expect(reason(decodeOtlpProto(Buffer.alloc(100_000, 0x1b)))).toMatch(/groups nested deeper than 32/);
  });

  it('reads a Uint8Array view into a larger buffer without touching bytes outside it', () => {
    const bytes = tracesProto(one({ traceId: TRACE, spanId: '0000000000000009', endTimeUnixNano: nanos(5) }));
    const big = new Uint8Array(bytes.length + 20).fill(0xff);
    big.set(bytes, 10);
    expect(ok(decodeOtlpProto(big.subarray(10, 10 + bytes.length)))[0]?.spanId).toBe('0000000000000009');
  });
});
