import { Buffer } from 'node:buffer';

/**
 * The bodies OTLP/HTTP answers with, in the request's encoding: an empty
 * ExportTraceServiceResponse on success (partial_success left unset, as the
 * specification requires for a full success; set, with the count of spans
 * refused and why, for a partial one) and a google.rpc.Status
 * { 1 code, 2 message, 3 details } on every 4xx/5xx; for bad data the details
 * hold a google.rpc.BadRequest { 1 field_violations: FieldViolation { 1 field,
 * 2 description } } as the specification recommends.
 */

export type WireEncoding = 'proto' | 'json';

/** gRPC codes for the Status body; OTLP clients do not act on them but may log them. */
export const RPC_INVALID_ARGUMENT = 3;
export const RPC_NOT_FOUND = 5;
export const RPC_RESOURCE_EXHAUSTED = 8;
export const RPC_UNIMPLEMENTED = 12;
export const RPC_UNAVAILABLE = 14;

const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';
const EMPTY = Buffer.alloc(0);
const EMPTY_JSON = Buffer.from('{}');

/** A full-success Export*ServiceResponse: no fields set. */
export function successBody(encoding: WireEncoding): Buffer {
  return encoding === 'proto' ? EMPTY : EMPTY_JSON;
}

/**
 * A partial success: ExportTraceServiceResponse { 1 partial_success:
 * ExportTracePartialSuccess { 1 rejected_spans (int64), 2 error_message } };
 * in JSON the int64 is a decimal string, as the protobuf JSON mapping writes it.
 */
export function partialSuccessBody(encoding: WireEncoding, r: { rejected: number; message: string }): Buffer {
  if (encoding === 'json')
    return Buffer.from(
      JSON.stringify({ partialSuccess: { rejectedSpans: String(r.rejected), errorMessage: r.message } }),
    );
  return bytesField(1, Buffer.concat([varintField(1, r.rejected), bytesField(2, Buffer.from(r.message, 'utf8'))]));
}

export function statusBody(encoding: WireEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.concat([varintField(1, code), bytesField(2, Buffer.from(message, 'utf8'))]);
}

/** A 400 body: INVALID_ARGUMENT with a BadRequest naming the field path where the body stopped making sense. */
export function badRequestBody(encoding: WireEncoding, message: string, field: string): Buffer {
  if (encoding === 'json') {
    return Buffer.from(
      JSON.stringify({
        code: RPC_INVALID_ARGUMENT,
        message,
        details: [{ '@type': BAD_REQUEST_TYPE, fieldViolations: [{ field, description: message }] }],
      }),
    );
  }
  const violation = Buffer.concat([bytesField(1, Buffer.from(field)), bytesField(2, Buffer.from(message))]);
  const badRequest = bytesField(1, violation);
  const any = Buffer.concat([bytesField(1, Buffer.from(BAD_REQUEST_TYPE)), bytesField(2, badRequest)]);
  return Buffer.concat([statusBody('proto', RPC_INVALID_ARGUMENT, message), bytesField(3, any)]);
}

export function contentType(encoding: WireEncoding): string {
  return encoding === 'proto' ? 'application/x-protobuf' : 'application/json';
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}

function varintField(field: number, value: number): Buffer {
  return Buffer.concat([varint(field << 3), varint(value)]);
}

function bytesField(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}
