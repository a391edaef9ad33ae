import { describe, expect, it } from 'vitest';
import { ok, reason } from '../../test/decode-result.ts';
import { nanos, tracesJson } from '../../test/fixtures/otlp.ts';
import { span } from '../../test/spans.ts';
import type { DecodeResult } from '../span.ts';
import { decodeOtlpJson } from './otlp-json.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

function decode(value: unknown): DecodeResult {
  return decodeOtlpJson(Buffer.from(JSON.stringify(value)));
}

/** One span in an OTLP/JSON envelope, with the span object given as is. */
function envelope(spanJson: Record<string, unknown>, resource: unknown = { attributes: [] }): unknown {
  return { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 's' }, spans: [spanJson] }] }] };
}

const base = { traceId: TRACE, spanId: 'eee19b7ec3c1b174', endTimeUnixNano: '1700000000123456789' };

describe('decodeOtlpJson', () => {
  it('reads the camelCase shape OTLP/HTTP clients and the collector write', () => {
    const payload = tracesJson([
      {
        attributes: { 'service.name': 'checkout', 'service.version': '2.4.1' },
        scopes: [
          {
            name: 'scope',
            spans: [
              {
                traceId: TRACE,
                spanId: 'eee19b7ec3c1b174',
                parentSpanId: '00f067aa0ba902b7',
                endTimeUnixNano: nanos(1_700_000_000_123, 456_789),
                statusCode: 2,
                attributes: {
                  'gen_ai.operation.name': 'chat',
                  'telltale.tenant.id': 'acme',
                  'gen_ai.usage.input_tokens': 1200,
                  'telltale.cost.usd': 0.0123,
                  'http.request.method': 'POST',
                },
                events: [
                  { name: 'exception', timeUnixNano: nanos(1) },
                  {
                    name: 'telltale.safety',
                    timeUnixNano: '1700000000123456789',
                    attributes: { 'telltale.safety.kind': 'blocked', 'telltale.safety.policy': 'pii' },
                  },
                ],
              },
            ],
          },
        ],
      },
    ]);
    expect(ok(decode(payload))).toEqual([
      span({
        traceId: TRACE,
        spanId: 'eee19b7ec3c1b174',
        parentSpanId: '00f067aa0ba902b7',
        endTimeMs: 1_700_000_000_123,
        statusCode: 2,
        service: 'checkout',
        serviceVersion: '2.4.1',
        operation: 'chat',
        tenant: 'acme',
        inputTokens: 1200,
        costUsd: 0.0123,
        safetyEvents: [
          {
            timeUnixNano: '1700000000123456789',
            kind: 'blocked',
            policy: 'pii',
            action: '',
            severity: '',
            fallbackFrom: '',
            fallbackTo: '',
            fallbackReason: '',
          },
        ],
      }),
    ]);
  });

  it('accepts the snake_case proto field names too', () => {
    const payload = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }] },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE,
                  span_id: 'eee19b7ec3c1b174',
                  parent_span_id: '00f067aa0ba902b7',
                  end_time_unix_nano: '5000000',
                  attributes: [
                    { key: 'gen_ai.usage.output_tokens', value: { int_value: '9' } },
                    { key: 'telltale.cost.usd', value: { double_value: 0.5 } },
                    { key: 'telltale.workflow.name', value: { bool_value: true } },
                  ],
                  events: [{ name: 'telltale.safety', time_unix_nano: '7', attributes: [] }],
                  status: { code: 'STATUS_CODE_ERROR' },
                },
              ],
            },
          ],
        },
      ],
    };
    const [s] = ok(decode(payload));
    expect(s).toMatchObject({
      service: 'snake',
      parentSpanId: '00f067aa0ba902b7',
      endTimeMs: 5,
      outputTokens: 9,
      costUsd: 0.5,
      workflow: 'true',
      statusCode: 2,
      safetyEvents: [{ timeUnixNano: '7' }],
    });
  });

  it('takes hex ids in any case and 64-bit numbers as strings or numbers', () => {
    const [s] = ok(
      decode(
        envelope({
          traceId: TRACE.toUpperCase(),
          spanId: 'EEE19B7EC3C1B174',
          endTimeUnixNano: 1_700_000_000_000_000_000,
          attributes: [
            { key: 'gen_ai.usage.input_tokens', value: { intValue: 12 } },
            { key: 'telltale.cost.usd', value: { doubleValue: '0.25' } },
          ],
        }),
      ),
    );
    expect(s).toMatchObject({
      traceId: TRACE,
      spanId: 'eee19b7ec3c1b174',
      endTimeMs: 1_700_000_000_000,
      inputTokens: 12,
      costUsd: 0.25,
    });
  });

  it('reads an empty object or empty list as no spans, and ignores unknown fields', () => {
    expect(ok(decode({}))).toEqual([]);
    expect(ok(decode({ resourceSpans: [] }))).toEqual([]);
    const [s] = ok(
      decode({ future: 1, resourceSpans: [{ extra: true, scopeSpans: [{ spans: [{ ...base, newField: [1] }] }] }] }),
    );
    expect(s?.endTimeMs).toBe(1_700_000_000_123);
  });

  it('drops non-finite, negative or textual costs and non-integral tokens like the protobuf decoder', () => {
    const [s] = ok(
      decode(
        envelope({
          ...base,
          attributes: [
            { key: 'telltale.cost.usd', value: { doubleValue: 'NaN' } },
            { key: 'gen_ai.usage.input_tokens', value: { doubleValue: 1.5 } },
            { key: 'gen_ai.usage.output_tokens', value: { intValue: '-3' } },
            { key: 'gen_ai.usage.reasoning.output_tokens', value: { stringValue: '5' } },
          ],
        }),
      ),
    );
    expect([s?.costUsd, s?.inputTokens, s?.outputTokens, s?.reasoningTokens]).toEqual([undefined, 0, 0, 0]);
  });

  it('fails on text that is not JSON, saying so', () => {
    expect(reason(decodeOtlpJson(Buffer.from('{"resourceSpans": [')))).toMatch(/^json: not valid JSON/);
    expect(reason(decodeOtlpJson(new Uint8Array([0xff, 0xfe])))).toMatch(/^json: not valid JSON/);
    expect(reason(decodeOtlpJson(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))).toMatch(/^json: /);
  });

  it('fails on a wrong shape with the path of the bad value', () => {
    expect(reason(decode([]))).toBe('json: expected an object, got an array at $');
    expect(reason(decode({ resourceSpans: {} }))).toBe('json: expected an array, got an object at resourceSpans');
    expect(reason(decode({ resourceSpans: [{ scopeSpans: [{ spans: [1] }] }] }))).toBe(
      'json: expected an object, got a number at resourceSpans[0].scopeSpans[0].spans[0]',
    );
    expect(reason(decode(envelope({ ...base, traceId: 'xyz' })))).toMatch(
      /expected a 32-character hex id, got the string "xyz" at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/,
    );
    expect(reason(decode(envelope({ ...base, spanId: undefined })))).toMatch(/spans\[0\]\.spanId/);
    expect(reason(decode(envelope({ ...base, endTimeUnixNano: '-1' })))).toMatch(
      /unsigned integer nanoseconds.*endTimeUnixNano/,
    );
    expect(reason(decode(envelope({ ...base, endTimeUnixNano: '18446744073709551616' })))).toMatch(/exceed 64 bits/);
    expect(
      reason(
        decode(envelope({ ...base, attributes: [{ key: 'gen_ai.usage.input_tokens', value: { intValue: '1e3' } }] })),
      ),
    ).toMatch(/expected an int64 .* at .*attributes\[0\]\.value\.intValue/);
    expect(reason(decode(envelope({ ...base, attributes: [{ key: 7 }] })))).toMatch(/attributes\[0\]\.key/);
    expect(reason(decode(envelope({ ...base, status: { code: 1.5 } })))).toMatch(/status\.code/);
    // Names of Object.prototype's members are no status names.
    for (const code of ['toString', 'constructor', '__proto__'])
      expect(reason(decode(envelope({ ...base, status: { code } })))).toMatch(/status\.code/);
    expect(reason(decode(envelope({ ...base, traceId: '0'.repeat(32) })))).toMatch(/all zeroes.*traceId/);
    expect(reason(decode(envelope({ ...base, spanId: '0'.repeat(16) })))).toMatch(/all zeroes.*spanId/);
    expect(
      reason(decode(envelope(base, { attributes: [{ key: 'service.name', value: { stringValue: 3 } }] }))),
    ).toMatch(/resource\.attributes\[0\]\.value\.stringValue/);
  });

  it('does not check the values of attributes it does not read', () => {
    const [s] = ok(
      decode(envelope({ ...base, attributes: [{ key: 'http.status_code', value: { intValue: 'not a number' } }] })),
    );
    expect(s?.spanId).toBe('eee19b7ec3c1b174');
  });
});
