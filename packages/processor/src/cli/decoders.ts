import type { ProcessorConfig } from '../config/schema.ts';
import { decodeOtlpProto } from '../decode/otlp-proto.ts';
import type { DecodeResult } from '../span.ts';

/** The decoder for the collector kafka exporter's `encoding`. */
export function decoderFor(encoding: ProcessorConfig['encoding']): (bytes: Buffer) => DecodeResult {
  switch (encoding) {
    case 'otlp_proto':
      return decodeOtlpProto;
    case 'otlp_json':
      throw new Error('otlp_json decoding is not wired yet');
  }
}
