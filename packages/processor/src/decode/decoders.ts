import type { DecodeResult } from '../span.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { decodeOtlpProto } from './otlp-proto.ts';

/** The encodings the collector's kafka exporter writes for traces that the processor reads (its `encoding` option). */
export const ENCODINGS = ['otlp_proto', 'otlp_json'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/**
 * 20 MiB: the request body limit the OTLP/HTTP specification recommends, used
 * for Kafka records too (far above the broker's default 1 MB message size).
 */
export const DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024;

/** Bytes in, spans or the reason they could not be read out. Never throws. */
export type Decoder = (bytes: Uint8Array) => DecodeResult;

export function isEncoding(name: string): name is Encoding {
  return (ENCODINGS as readonly string[]).includes(name);
}

const byEncoding: Record<Encoding, Decoder> = {
  otlp_proto: decodeOtlpProto,
  otlp_json: decodeOtlpJson,
};

export interface DecoderOptions {
  /** Inputs larger than this are refused without being read. Default DEFAULT_MAX_INPUT_BYTES. */
  maxBytes?: number;
}

/** The decoder for an encoding, with the size limit applied first. */
export function decoderFor(encoding: Encoding, options: DecoderOptions = {}): Decoder {
  const decode = byEncoding[encoding];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  }
  return (bytes) =>
    bytes.byteLength > maxBytes
      ? { ok: false, reason: `${encoding}: input of ${bytes.byteLength} bytes exceeds the limit of ${maxBytes} bytes` }
      : decode(bytes);
}

/**
 * The field path a decoder's failure reason points at ("TracesData.resource_spans[0]…"
 * for protobuf, "resourceSpans[0]…" for JSON), or '' when the input failed as a whole.
 */
export function failurePath(reason: string): string {
  const proto = / in (TracesData\S*)$/.exec(reason);
  if (proto) return proto[1]!;
  const json = /^json: .* at (\S+)$/.exec(reason);
  return json ? json[1]! : '';
}
