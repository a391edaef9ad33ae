import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../src/decode/otlp-json.ts';
import { decodeOtlpProto } from '../src/decode/otlp-proto.ts';
import { encodeTracesData, encodeTracesDataJson } from './otlp-encode.ts';
import { generateWorkload } from './workload.ts';

describe('test workload wire bytes', () => {
  it('decode back to exactly the spans the workload generated', () => {
    const w = generateWorkload({ traces: 30, seed: 9 });
    for (const t of w.traces) {
      expect(decodeOtlpProto(encodeTracesData(t.spans))).toEqual({ ok: true, spans: t.spans });
      expect(decodeOtlpJson(encodeTracesDataJson(t.spans))).toEqual({ ok: true, spans: t.spans });
    }
  });
});
