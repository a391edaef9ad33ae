import { Buffer } from 'node:buffer';

/**
 * The bodies OTLP/HTTP answers with, in the request's encoding: an empty
 * ExportTraceServiceResponse on success (partial_success left unset, as the
 * specification requires for a full success) and a google.rpc.Status
 * { 1 code, 2 message } on every 4xx/5xx.
 */

export type WireEncoding = 'proto' | 'json';

/** gRPC codes for the Status body; OTLP clients do not act on them but may log them. */
export const RPC_INVALID_ARGUMENT = 3;
export const RPC_NOT_FOUND = 5;
export const RPC_RESOURCE_EXHAUSTED = 8;
export const RPC_UNIMPLEMENTED = 12;
export const RPC_UNAVAILABLE = 14;

const EMPTY = Buffer.alloc(0);
const EMPTY_JSON = Buffer.from('{}');

/** A full-success Export*ServiceResponse: no fields set. */
export function successBody(encoding: WireEncoding): Buffer {
  return encoding === 'proto' ? EMPTY : EMPTY_JSON;
}

export function statusBody(encoding: WireEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08]), varint(code), Buffer.from([0x12]), varint(text.length), text]);
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

export function contentType(encoding: WireEncoding): string {
  return encoding === 'proto' ? 'application/x-protobuf' : 'application/json';
}
