import { TELLTALE_SAFETY_EVENT } from '@telltale/conventions';
import type { DecodeResult, SafetyEventView, Span } from '../span.ts';
import { hex8, hex16 } from './hex.ts';
import { KeyMatcher } from './key-matcher.ts';
import { AttributeReader } from './proto-attributes.ts';
import { ResourceCache } from './resource-cache.ts';
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
import { StringTable } from './string-table.ts';
import { I64, LEN, VARINT, WireFailure, WireReader } from './wire-reader.ts';

/**
 * OTLP TracesData / ExportTraceServiceRequest (the same bytes) → Span[], read
 * in place. Only what a Span holds is decoded; every other field, attribute
 * and event is skipped by its length. Field numbers from opentelemetry-proto
 * trace/v1/trace.proto and common/v1/common.proto:
 *
 *   TracesData      1 resource_spans
 *   ResourceSpans   1 resource (Resource: 1 attributes)   2 scope_spans
 *   ScopeSpans      2 spans
 *   Span            1 trace_id  2 span_id  4 parent_span_id  8 end_time_unix_nano (fixed64)
 *                   9 attributes  11 events  15 status (Status: 3 code)
 *   Span.Event      1 time_unix_nano (fixed64)  2 name  3 attributes
 *   KeyValue, AnyValue: see proto-attributes.ts
 */

const r = new WireReader();
const strings = new StringTable();
const attrs = new AttributeReader(r, strings);
const spanKeys = new KeyMatcher(SPAN_ATTRIBUTE_KEYS);
const resourceKeys = new KeyMatcher(RESOURCE_ATTRIBUTE_KEYS);
const eventKeys = new KeyMatcher(EVENT_ATTRIBUTE_KEYS);
const resources = new ResourceCache();
const SAFETY_EVENT_NAME = new TextEncoder().encode(TELLTALE_SAFETY_EVENT);

/**
 * Where the reader is, for the failure message only. The part is a number,
 * not its name: it is stored on every attribute, and storing a number into
 * this long-lived object needs no write barrier.
 */
const at = { rs: -1, resource: false, ss: -1, span: -1, part: 0, index: -1 };
const NONE = 0;
const ATTRIBUTES = 1;
const EVENTS = 2;
const STATUS = 3;
const PART_NAMES = ['', 'attributes', 'events', 'status'] as const;

/** The last trace id decoded: a collector record holds one trace, so its spans share one string. */
let lastTraceStart = -1;
let lastTraceId = '';
let lastParentStart = -1;
let lastParentId = '';

/** Decodes protobuf TracesData (or ExportTraceServiceRequest). Never throws. */
export function decodeOtlpProto(bytes: Uint8Array): DecodeResult {
  at.rs = -1;
  at.resource = false;
  at.ss = -1;
  at.span = -1;
  at.part = NONE;
  at.index = -1;
  lastTraceStart = -1;
  lastParentStart = -1;
  const spans: Span[] = [];
  try {
    r.reset(bytes);
    readTracesData(spans, r.buf.length);
    return { ok: true, spans };
  } catch (err) {
    if (err instanceof WireFailure)
      return { ok: false, reason: `protobuf: ${err.message} at byte ${err.offset} in ${path()}` };
    return { ok: false, reason: `protobuf: unexpected decoder error at byte ${r.pos} in ${path()}: ${String(err)}` };
  } finally {
    r.release();
    lastTraceId = '';
    lastParentId = '';
  }
}

function path(): string {
  let p = 'TracesData';
  if (at.rs >= 0) p += `.resource_spans[${at.rs}]`;
  if (at.resource) p += '.resource';
  if (at.ss >= 0) p += `.scope_spans[${at.ss}]`;
  if (at.span >= 0) p += `.spans[${at.span}]`;
  const part = PART_NAMES[at.part];
  if (at.part !== NONE) p += at.index >= 0 ? `.${part}[${at.index}]` : `.${part}`;
  return p;
}

function readTracesData(spans: Span[], end: number): void {
  let rs = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      at.rs = rs++;
      if ((tag & 7) !== LEN) r.wrongType('resource_spans', tag & 7, LEN);
      readResourceSpans(spans, r.lengthEnd(end));
      at.rs = -1;
    } else r.skip(tag & 7, tag >>> 3, end);
  }
}

let resService = '';
let resVersion = '';

function readResourceSpans(spans: Span[], end: number): void {
  const first = spans.length;
  resService = '';
  resVersion = '';
  let ss = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      if (wt !== LEN) r.wrongType('resource', wt, LEN);
      const e = r.lengthEnd(end);
      if (resources.find(r.buf, r.pos, e)) {
        r.pos = e;
      } else {
        const start = r.pos;
        at.resource = true;
        readResource(e);
        at.resource = false;
        resources.store(r.buf, start, e);
      }
      // A second resource field merges into the first (protobuf): only the values it holds replace.
      if (resources.service !== null) resService = resources.service;
      if (resources.version !== null) resVersion = resources.version;
    } else if (field === 2) {
      if (wt !== LEN) r.wrongType('scope_spans', wt, LEN);
      at.ss = ss++;
      readScopeSpans(spans, r.lengthEnd(end));
      at.ss = -1;
    } else r.skip(wt, field, end);
  }
  // The resource may come after its spans on the wire; apply it once all are read.
  if (resService !== '' || resVersion !== '') {
    for (let i = first; i < spans.length; i++) {
      const s = spans[i]!;
      s.service = resService;
      s.serviceVersion = resVersion;
    }
  }
}

/** Leaves the resource's service.name and service.version (null when absent) in `resources`. */
function readResource(end: number): void {
  resources.service = null;
  resources.version = null;
  let index = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 1) {
      if ((tag & 7) !== LEN) r.wrongType('attributes', tag & 7, LEN);
      at.part = ATTRIBUTES;
      at.index = index++;
      const id = attrs.keyValue(r.lengthEnd(end), resourceKeys);
      if (id >= 0) {
        const v = attrs.text();
        if (id === R_SERVICE_NAME) resources.service = v;
        else resources.version = v;
      }
    } else r.skip(tag & 7, tag >>> 3, end);
  }
  at.part = NONE;
  at.index = -1;
}

function readScopeSpans(spans: Span[], end: number): void {
  let n = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 2) {
      if ((tag & 7) !== LEN) r.wrongType('spans', tag & 7, LEN);
      at.span = n++;
      spans.push(readSpan(r.lengthEnd(end)));
      at.span = -1;
    } else r.skip(tag & 7, tag >>> 3, end);
  }
}

function readSpan(end: number): Span {
  const span = newSpan('', '', '', 0, 0);
  const buf = r.buf;
  let traceStart = -1;
  let spanStart = -1;
  let parentStart = -1;
  let attrIndex = 0;
  let eventIndex = 0;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    switch (field) {
      case 1: {
        if (wt !== LEN) r.wrongType('trace_id', wt, LEN);
        const e = r.lengthEnd(end);
        if (e - r.pos !== 16) r.fail(`trace_id is ${e - r.pos} bytes, expected 16`);
        if (allZero(r.view, r.pos, 16)) r.fail('trace_id is all zeroes, which OTLP makes invalid');
        traceStart = r.pos;
        r.pos = e;
        break;
      }
      case 2: {
        if (wt !== LEN) r.wrongType('span_id', wt, LEN);
        const e = r.lengthEnd(end);
        if (e - r.pos !== 8) r.fail(`span_id is ${e - r.pos} bytes, expected 8`);
        if (allZero(r.view, r.pos, 8)) r.fail('span_id is all zeroes, which OTLP makes invalid');
        spanStart = r.pos;
        r.pos = e;
        break;
      }
      case 4: {
        if (wt !== LEN) r.wrongType('parent_span_id', wt, LEN);
        const e = r.lengthEnd(end);
        const len = e - r.pos;
        if (len !== 8 && len !== 0) r.fail(`parent_span_id is ${len} bytes, expected 8 or 0`);
        // An all-zero parent is no parent (an invalid id).
        parentStart = len === 8 && !allZero(r.view, r.pos, 8) ? r.pos : -1;
        r.pos = e;
        break;
      }
      case 8:
        if (wt !== I64) r.wrongType('end_time_unix_nano', wt, I64);
        span.endTimeMs = r.fixed64Millis(end);
        break;
      case 9:
        if (wt !== LEN) r.wrongType('attributes', wt, LEN);
        at.part = ATTRIBUTES;
        at.index = attrIndex++;
        readSpanAttribute(span, r.lengthEnd(end));
        break;
      case 11:
        if (wt !== LEN) r.wrongType('events', wt, LEN);
        at.part = EVENTS;
        at.index = eventIndex++;
        readEvent(span, r.lengthEnd(end));
        break;
      case 15:
        if (wt !== LEN) r.wrongType('status', wt, LEN);
        at.part = STATUS;
        at.index = -1;
        // A second status field merges into the first (protobuf): a code it leaves out stays.
        span.statusCode = readStatus(r.lengthEnd(end), span.statusCode);
        break;
      default:
        r.skip(wt, field, end);
    }
  }
  at.part = NONE;
  at.index = -1;
  if (traceStart < 0) r.fail('span has no trace_id');
  if (spanStart < 0) r.fail('span has no span_id');
  const view = r.view;
  if (
    lastTraceStart < 0 ||
    view.getInt32(traceStart, true) !== view.getInt32(lastTraceStart, true) ||
    view.getInt32(traceStart + 4, true) !== view.getInt32(lastTraceStart + 4, true) ||
    view.getInt32(traceStart + 8, true) !== view.getInt32(lastTraceStart + 8, true) ||
    view.getInt32(traceStart + 12, true) !== view.getInt32(lastTraceStart + 12, true)
  ) {
    lastTraceStart = traceStart;
    lastTraceId = hex16(buf, traceStart);
  }
  span.traceId = lastTraceId;
  // A trace's root span arrives after its children (which end first), whose parent id it is: reuse that string.
  span.spanId =
    lastParentStart >= 0 &&
    view.getInt32(spanStart, true) === view.getInt32(lastParentStart, true) &&
    view.getInt32(spanStart + 4, true) === view.getInt32(lastParentStart + 4, true)
      ? lastParentId
      : hex8(buf, spanStart);
  if (parentStart >= 0) {
    if (
      lastParentStart < 0 ||
      view.getInt32(parentStart, true) !== view.getInt32(lastParentStart, true) ||
      view.getInt32(parentStart + 4, true) !== view.getInt32(lastParentStart + 4, true)
    ) {
      lastParentStart = parentStart;
      lastParentId = hex8(buf, parentStart);
    }
    span.parentSpanId = lastParentId;
  }
  return span;
}

function readSpanAttribute(span: Span, end: number): void {
  const buf = r.buf;
  const p = r.pos;
  // Fast path, the layout every SDK writes: key (0x0a, 1-byte length), value (0x12, 1-byte length) holding a
  // lone string (0x0a, 1-byte length) or int (0x18); anything else takes the general path below.
  if (p + 4 <= end && buf[p] === 0x0a) {
    const klen = buf[p + 1]!;
    const v = p + 2 + klen;
    if (klen < 0x80 && v + 4 <= end && buf[v] === 0x12 && buf[v + 1]! < 0x80 && v + 2 + buf[v + 1]! === end) {
      const id = spanKeys.match(r.view, p + 2, klen);
      if (id < 0) {
        r.pos = end;
        return;
      }
      const t = buf[v + 2]!;
      if (t === 0x0a) {
        if (id < A_FIRST_TOKENS && buf[v + 3]! < 0x80 && v + 4 + buf[v + 3]! === end) {
          setSpanString(span, id, strings.get(buf, v + 4, end, r.view));
          r.pos = end;
          return;
        }
      } else if (t === 0x18 && id >= A_FIRST_TOKENS && id !== A_COST_USD) {
        // Token counts take one to three varint bytes (below 2^21); longer or negative ones go the general way.
        const q = v + 3;
        const b0 = buf[q]!;
        let n = -1;
        if (q + 1 === end) n = b0 < 0x80 ? b0 : -1;
        else if (q + 2 === end) n = b0 >= 0x80 && buf[q + 1]! < 0x80 ? (b0 & 0x7f) | (buf[q + 1]! << 7) : -1;
        else if (q + 3 === end && b0 >= 0x80 && buf[q + 1]! >= 0x80 && buf[q + 2]! < 0x80)
          n = (b0 & 0x7f) | ((buf[q + 1]! & 0x7f) << 7) | (buf[q + 2]! << 14);
        if (n >= 0) {
          setSpanTokens(span, id, n);
          r.pos = end;
          return;
        }
      }
    }
  }
  const id = attrs.keyValue(end, spanKeys);
  if (id < 0) return;
  if (id < A_FIRST_TOKENS) setSpanString(span, id, attrs.text());
  else if (!attrs.isNumber) return;
  else if (id === A_COST_USD) setSpanCost(span, attrs.number);
  else setSpanTokens(span, id, attrs.number);
}

function readStatus(end: number, previous: 0 | 1 | 2): 0 | 1 | 2 {
  let code = -1;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 3) {
      if ((tag & 7) !== VARINT) r.wrongType('code', tag & 7, VARINT);
      code = r.varint(end);
    } else r.skip(tag & 7, tag >>> 3, end);
  }
  if (code === -1) return previous;
  // A code from a future version of the enum is not an error this processor can act on.
  return code === 1 || code === 2 ? code : 0;
}

function allZero(view: DataView, at: number, bytes: 8 | 16): boolean {
  for (let o = 0; o < bytes; o += 4) if (view.getInt32(at + o, true) !== 0) return false;
  return true;
}

/** Keeps `telltale.safety` events only; others are skipped after reading their name. */
function readEvent(span: Span, end: number): void {
  const start = r.pos;
  let timeAt = -1;
  let isSafety = false;
  while (r.pos < end) {
    const tag = r.tag(end);
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 1) {
      if (wt !== I64) r.wrongType('time_unix_nano', wt, I64);
      timeAt = r.pos;
      r.pos += 8;
      if (r.pos > end) r.fail('truncated fixed64', timeAt);
    } else if (field === 2) {
      if (wt !== LEN) r.wrongType('name', wt, LEN);
      const e = r.lengthEnd(end);
      isSafety = r.equals(r.pos, e - r.pos, SAFETY_EVENT_NAME);
      r.pos = e;
    } else if (field === 3 && wt !== LEN) r.wrongType('attributes', wt, LEN);
    else r.skip(wt, field, end);
  }
  if (!isSafety) return;
  let time = '0';
  if (timeAt >= 0) {
    r.pos = timeAt;
    time = r.fixed64Decimal(end);
  }
  const event: SafetyEventView = newSafetyEvent(time);
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag(end);
    if (tag >>> 3 === 3 && (tag & 7) === LEN) {
      const id = attrs.keyValue(r.lengthEnd(end), eventKeys);
      if (id >= 0) setEventString(event, id, attrs.text());
    } else r.skip(tag & 7, tag >>> 3, end);
  }
  addSafetyEvent(span, event);
}
