import { Buffer } from 'node:buffer';
import { TELLTALE_SAFETY_EVENT } from '@telltale/conventions';
import type { DecodeResult, SafetyEventView, Span } from '../span.ts';
import { normalizeHexId } from './hex.ts';
import { KeyMatcher } from './key-matcher.ts';
import {
  A_COST_USD,
  A_FIRST_TOKENS,
  addSafetyEvent,
  EVENT_ATTRIBUTE_KEYS,
  newSafetyEvent,
  newSpan,
  R_SERVICE_NAME,
  RESOURCE_ATTRIBUTE_KEYS,
  SPAN_ATTRIBUTE_KEYS,
  setEventString,
  setSpanCost,
  setSpanString,
  setSpanTokens,
} from './span-fields.ts';

/**
 * OTLP/JSON TracesData → Span[]: what OTLP/HTTP JSON clients send and what
 * the collector's kafka exporter writes with `encoding: otlp_json`. Keys are
 * lowerCamelCase; the original snake_case names are accepted too, as proto3
 * JSON parsers do. Ids are hex, 64-bit integers are decimal strings or
 * numbers, enums are integers (names tolerated). Unknown fields are ignored;
 * fields the processor reads are checked and a wrong shape fails with its path.
 * Produces exactly the spans the protobuf decoder produces for the same data.
 */

const spanKeys = new KeyMatcher(SPAN_ATTRIBUTE_KEYS);
const resourceKeys = new KeyMatcher(RESOURCE_ATTRIBUTE_KEYS);
const eventKeys = new KeyMatcher(EVENT_ATTRIBUTE_KEYS);

class JsonFailure {
  readonly message: string;
  readonly path: string;
  constructor(message: string, path: string) {
    this.message = message;
    this.path = path;
  }
}

type Obj = Record<string, unknown>;

/** Decodes OTLP/JSON TracesData (or ExportTraceServiceRequest) from UTF-8 bytes or text. Never throws. */
export function decodeOtlpJson(input: Uint8Array | string): DecodeResult {
  let root: unknown;
  try {
    const text =
      typeof input === 'string'
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    root = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `json: not valid JSON: ${(err as Error).message}` };
  }
  const spans: Span[] = [];
  try {
    readTracesData(root, spans);
    return { ok: true, spans };
  } catch (err) {
    if (err instanceof JsonFailure) return { ok: false, reason: `json: ${err.message} at ${err.path}` };
    return { ok: false, reason: `json: unexpected decoder error: ${String(err)}` };
  }
}

function fail(message: string, path: string): never {
  throw new JsonFailure(message, path);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function asObject(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`expected an object, got ${describe(v)}`, path);
  return v as Obj;
}

/** A repeated field: absent or null is empty. */
function asArray(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`expected an array, got ${describe(v)}`, path);
  return v;
}

/** The field under its lowerCamelCase name, else its proto name. */
function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function readTracesData(root: unknown, spans: Span[]): void {
  const top = asObject(root, '$');
  const resourceSpans = asArray(get(top, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  for (let i = 0; i < resourceSpans.length; i++) readResourceSpans(resourceSpans[i], `resourceSpans[${i}]`, spans);
}

function readResourceSpans(v: unknown, path: string, spans: Span[]): void {
  const rs = asObject(v, path);
  let service = '';
  let version = '';
  const resource = rs.resource;
  if (resource !== undefined && resource !== null) {
    const rpath = `${path}.resource`;
    const attrs = asArray(asObject(resource, rpath).attributes, `${rpath}.attributes`);
    for (let i = 0; i < attrs.length; i++) {
      const apath = `${rpath}.attributes[${i}]`;
      const kv = asObject(attrs[i], apath);
      const id = resourceKeys.matchString(keyOf(kv, apath));
      if (id < 0) continue;
      const text = scalarText(kv.value, `${apath}.value`);
      if (id === R_SERVICE_NAME) service = text;
      else version = text;
    }
  }
  const scopeSpans = asArray(get(rs, 'scopeSpans', 'scope_spans'), `${path}.scopeSpans`);
  for (let i = 0; i < scopeSpans.length; i++) {
    const spath = `${path}.scopeSpans[${i}]`;
    const list = asArray(asObject(scopeSpans[i], spath).spans, `${spath}.spans`);
    for (let j = 0; j < list.length; j++) {
      const span = readSpan(list[j], `${spath}.spans[${j}]`);
      span.service = service;
      span.serviceVersion = version;
      spans.push(span);
    }
  }
}

function readSpan(v: unknown, path: string): Span {
  const o = asObject(v, path);
  const traceId = nonZero(hexId(get(o, 'traceId', 'trace_id'), 32, `${path}.traceId`), `${path}.traceId`);
  const spanId = nonZero(hexId(get(o, 'spanId', 'span_id'), 16, `${path}.spanId`), `${path}.spanId`);
  const parentRaw = get(o, 'parentSpanId', 'parent_span_id');
  const parentHex =
    parentRaw === undefined || parentRaw === null || parentRaw === ''
      ? ''
      : hexId(parentRaw, 16, `${path}.parentSpanId`);
  // An all-zero parent is no parent (an invalid id), as the protobuf decoder reads it too.
  const parentSpanId = ZEROS.test(parentHex) ? '' : parentHex;
  const endRaw = get(o, 'endTimeUnixNano', 'end_time_unix_nano');
  const endTimeMs = endRaw === undefined || endRaw === null ? 0 : nanosToMillis(endRaw, `${path}.endTimeUnixNano`);
  const span = newSpan(traceId, spanId, parentSpanId, endTimeMs, readStatus(o.status, `${path}.status`));

  const attrs = asArray(o.attributes, `${path}.attributes`);
  for (let i = 0; i < attrs.length; i++) {
    const apath = `${path}.attributes[${i}]`;
    const kv = asObject(attrs[i], apath);
    const id = spanKeys.matchString(keyOf(kv, apath));
    if (id < 0) continue;
    if (id < A_FIRST_TOKENS) setSpanString(span, id, scalarText(kv.value, `${apath}.value`));
    else {
      const n = scalarNumber(kv.value, `${apath}.value`);
      if (n === undefined) continue;
      if (id === A_COST_USD) setSpanCost(span, n);
      else setSpanTokens(span, id, n);
    }
  }

  const events = asArray(o.events, `${path}.events`);
  for (let i = 0; i < events.length; i++) {
    const event = readEvent(events[i], `${path}.events[${i}]`);
    if (event !== undefined) addSafetyEvent(span, event);
  }
  return span;
}

function readEvent(v: unknown, path: string): SafetyEventView | undefined {
  const o = asObject(v, path);
  if (o.name !== TELLTALE_SAFETY_EVENT) return undefined;
  const timeRaw = get(o, 'timeUnixNano', 'time_unix_nano');
  const event = newSafetyEvent(
    timeRaw === undefined || timeRaw === null ? '0' : nanosDecimal(timeRaw, `${path}.timeUnixNano`),
  );
  const attrs = asArray(o.attributes, `${path}.attributes`);
  for (let i = 0; i < attrs.length; i++) {
    const apath = `${path}.attributes[${i}]`;
    const kv = asObject(attrs[i], apath);
    const id = eventKeys.matchString(keyOf(kv, apath));
    if (id >= 0) setEventString(event, id, scalarText(kv.value, `${apath}.value`));
  }
  return event;
}

function keyOf(kv: Obj, path: string): string {
  const key = kv.key;
  // proto3 JSON leaves default values out: the collector writes an empty key as no key at all.
  if (key === undefined || key === null) return '';
  if (typeof key !== 'string') fail(`expected a string key, got ${describe(key)}`, `${path}.key`);
  return key;
}

const STATUS_NAMES: Record<string, 0 | 1 | 2> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function readStatus(v: unknown, path: string): 0 | 1 | 2 {
  if (v === undefined || v === null) return 0;
  const code = asObject(v, path).code;
  if (code === undefined || code === null) return 0;
  // Own keys only: `in` would also take Object.prototype's (toString, constructor) for status names.
  if (typeof code === 'string' && Object.hasOwn(STATUS_NAMES, code)) return STATUS_NAMES[code]!;
  if (typeof code !== 'number' || !Number.isInteger(code))
    fail(`expected an integer status code, got ${describe(code)}`, `${path}.code`);
  // A code from a future version of the enum is not an error this processor can act on.
  return code === 1 || code === 2 ? code : 0;
}

function hexId(v: unknown, chars: number, path: string): string {
  if (typeof v !== 'string') fail(`expected a ${chars}-character hex id, got ${describe(v)}`, path);
  const id = normalizeHexId(v, chars);
  if (id === undefined) fail(`expected a ${chars}-character hex id, got ${describe(v)}`, path);
  return id;
}

const ZEROS = /^0+$/;

/** trace.proto: a trace or span id of all zeroes is invalid, as one of another length is. */
function nonZero(id: string, path: string): string {
  if (ZEROS.test(id)) fail('the id is all zeroes, which OTLP makes invalid', path);
  return id;
}

const DIGITS = /^[0-9]+$/;

/** Unix nanoseconds (decimal string or number) as whole milliseconds, exactly as the protobuf decoder computes them. */
function nanosToMillis(v: unknown, path: string): number {
  const s = nanosDecimal(v, path);
  return s.length <= 6 ? 0 : Number(s.slice(0, -6));
}

/** Unix nanoseconds as a canonical decimal string (no leading zeros). */
function nanosDecimal(v: unknown, path: string): string {
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) fail(`expected unsigned integer nanoseconds, got ${describe(v)}`, path);
    const s = v.replace(/^0+(?=\d)/, '');
    if (s.length > 20 || BigInt(s) > 0xffffffffffffffffn) fail('nanoseconds exceed 64 bits', path);
    return s;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 64) return BigInt(v).toString();
  return fail(`expected unsigned integer nanoseconds, got ${describe(v)}`, path);
}

/** An AnyValue as text, as the protobuf decoder renders it: '' for absent or non-scalar values. */
function scalarText(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  const o = asObject(v, path);
  const s = get(o, 'stringValue', 'string_value');
  if (s !== undefined && s !== null) {
    if (typeof s !== 'string') fail(`expected a string, got ${describe(s)}`, `${path}.stringValue`);
    return s;
  }
  const b = get(o, 'boolValue', 'bool_value');
  if (b !== undefined && b !== null) {
    if (typeof b !== 'boolean') fail(`expected a boolean, got ${describe(b)}`, `${path}.boolValue`);
    return b ? 'true' : 'false';
  }
  const i = get(o, 'intValue', 'int_value');
  // Past 2^53 a double rounds: 64-bit ids (snowflake tenants) would merge. Decimal text is kept exact.
  if (typeof i === 'string' && INT.test(i) && !Number.isSafeInteger(Number(i)))
    return exactInt64Text(i, `${path}.intValue`);
  const n = scalarNumber(o, path);
  return n === undefined ? '' : String(n);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function exactInt64Text(v: string, path: string): string {
  const n = BigInt(v);
  if (n < INT64_MIN || n > INT64_MAX) fail(`int64 out of range: ${v}`, path);
  return n.toString();
}

/** An AnyValue's intValue or doubleValue as a number; undefined for any other kind. */
function scalarNumber(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const o = asObject(v, path);
  const i = get(o, 'intValue', 'int_value');
  if (i !== undefined && i !== null) return int64(i, `${path}.intValue`);
  const d = get(o, 'doubleValue', 'double_value');
  if (d !== undefined && d !== null) return double(d, `${path}.doubleValue`);
  return undefined;
}

const INT = /^-?[0-9]+$/;

function int64(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INT.test(v)) return Number(v);
  return fail(`expected an int64 (decimal string or integer), got ${describe(v)}`, path);
}

/** proto3 JSON doubles: numbers, or the strings "NaN", "Infinity", "-Infinity" and numeric text. */
function double(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return Number.NaN;
    if (v === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return fail(`expected a double, got ${describe(v)}`, path);
}
