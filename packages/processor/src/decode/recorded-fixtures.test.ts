import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok } from '../../test/decode-result.ts';
import { bySpanId, collectorWorkloadSpans } from '../../test/fixtures/collector-workload.ts';
import { expectedOtelJsSpans } from '../../test/fixtures/otel-js-expected.ts';
import type { EmittedTrace } from '../../test/fixtures/otel-js-traces.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

/**
 * Bytes recorded from real producers (see test/fixtures/record-otel-js.ts and
 * collector-kafka.integration.test.ts), so these checks run without them.
 */
const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures');
const read = (name: string) => readFileSync(join(dir, name));

describe('recorded OpenTelemetry JS exporter requests', () => {
  const ids = JSON.parse(read('otel-js.ids.json').toString()) as { proto: EmittedTrace; json: EmittedTrace };

  it('decodes the protobuf request body', () => {
    expect(ok(decodeOtlpProto(read('otel-js.proto.bin')))).toEqual(expectedOtelJsSpans(ids.proto));
  });

  it('decodes the JSON request body', () => {
    expect(ok(decodeOtlpJson(read('otel-js.json')))).toEqual(expectedOtelJsSpans(ids.json));
  });
});

describe('recorded collector kafka exporter records', () => {
  const recorded = JSON.parse(read('collector-kafka.records.json').toString()) as {
    otelJsIds: EmittedTrace;
    otlp_proto: { key: string; value: string }[];
    otlp_json: { key: string; value: string }[];
  };
  const expected = bySpanId([...expectedOtelJsSpans(recorded.otelJsIds), ...collectorWorkloadSpans]);

  it('otlp_proto: one trace per record, keyed by its id, all spans exactly', () => {
    const spans = recorded.otlp_proto.flatMap((r) => {
      const got = ok(decodeOtlpProto(Buffer.from(r.value, 'base64')));
      for (const s of got) expect(s.traceId).toBe(r.key);
      return got;
    });
    expect(bySpanId(spans)).toEqual(expected);
  });

  it('otlp_json: one trace per record, keyed by its id, all spans exactly', () => {
    const spans = recorded.otlp_json.flatMap((r) => {
      const got = ok(decodeOtlpJson(Buffer.from(r.value)));
      for (const s of got) expect(s.traceId).toBe(r.key);
      return got;
    });
    expect(bySpanId(spans)).toEqual(expected);
  });

  it('every truncation of every recorded protobuf record fails cleanly or reads a prefix', () => {
    for (const r of recorded.otlp_proto) {
      const bytes = Buffer.from(r.value, 'base64');
      for (let len = 0; len < bytes.length; len++) {
        const result = decodeOtlpProto(bytes.subarray(0, len));
        if (!result.ok) expect(result.reason).toMatch(/^protobuf: .+ at byte \d+ in TracesData/);
      }
    }
  });
});
