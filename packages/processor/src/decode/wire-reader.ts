import { Buffer } from 'node:buffer';

/** Protobuf wire types. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const SGROUP = 3;
export const EGROUP = 4;
export const I32 = 5;

/**
 * Why bytes could not be read, and at which byte. Thrown inside the decoder
 * only, caught at its entry and turned into a DecodeResult; not an Error, so
 * throwing it captures no stack.
 */
export class WireFailure {
  readonly message: string;
  readonly offset: number;
  constructor(message: string, offset: number) {
    this.message = message;
    this.offset = offset;
  }
}

const EMPTY = Buffer.alloc(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer, 0, 0);
/** Groups are skipped recursively; this bounds the recursion a hostile input can cause. */
const MAX_GROUP_DEPTH = 32;
const TWO_32 = 4294967296;

/**
 * The protobuf wire format, read in place: a cursor over one input buffer.
 * Every read is bounded by the end of the enclosing message, so a length or
 * varint that runs past it fails instead of reading a neighbour's bytes.
 */
export class WireReader {
  buf: Buffer = EMPTY;
  /**
   * The same bytes as `buf`: comparing ids, keys and strings four bytes per
   * getInt32 measured 3-4 times faster than byte by byte.
   */
  view: DataView = EMPTY_VIEW;
  pos = 0;
  #groupDepth = 0;

  reset(bytes: Uint8Array): void {
    this.#groupDepth = 0;
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
  }

  /** Drop the input so the reader does not keep it alive. */
  release(): void {
    this.buf = EMPTY;
    this.view = EMPTY_VIEW;
    this.pos = 0;
  }

  fail(message: string, offset = this.pos): never {
    throw new WireFailure(message, offset);
  }

  /** A known field arrived with another wire type than its schema gives it. */
  wrongType(field: string, wireType: number, expected: number): never {
    return this.fail(`field ${field} has wire type ${wireType}, expected ${expected}`);
  }

  /**
   * An unsigned varint as a number: exact up to 2^53, approximate beyond
   * (only int64 attribute values get that large, and those are clamped).
   */
  varint(end: number): number {
    const buf = this.buf;
    let p = this.pos;
    if (p >= end) this.fail('truncated varint');
    let b = buf[p++]!;
    if (b < 0x80) {
      this.pos = p;
      return b;
    }
    let value = b & 0x7f;
    let scale = 128;
    for (let i = 1; i < 10; i++) {
      if (p >= end) this.fail('truncated varint');
      b = buf[p++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = p;
        return value;
      }
      scale *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /**
   * An int64 varint as a number: read as two 32-bit halves so negative values
   * (ten bytes of two's complement) come back exact, not rounded to 2^64.
   */
  int64(end: number): number {
    const buf = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= end) this.fail('truncated varint');
      const b = buf[p++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.pos = p;
        return (hi | 0) * TWO_32 + (lo >>> 0);
      }
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** A field tag; fails on field number 0 or a tag beyond 32 bits. */
  tag(end: number): number {
    const at = this.pos;
    // Field numbers 1..15 with any wire type fit in one byte: nearly every tag in OTLP. Fields 16..2047 take
    // two (Span.flags, 16, is on every span).
    if (at < end) {
      const b = this.buf[at]!;
      if (b < 0x80) {
        if (b >= 8) {
          this.pos = at + 1;
          return b;
        }
      } else if (at + 1 < end) {
        const c = this.buf[at + 1]!;
        if (c < 0x80 && c > 0) {
          this.pos = at + 2;
          return (b & 0x7f) | (c << 7);
        }
      }
    }
    return this.#longTag(end);
  }

  /** Out of line, so that tag() stays small enough to be inlined at its many call sites. */
  #longTag(end: number): number {
    const at = this.pos;
    const tag = this.varint(end);
    if (tag > 0xffffffff || tag < 8) this.fail(`invalid field tag ${tag}`, at);
    return tag;
  }

  /** A length prefix; returns the end of the bytes it covers, which must lie within `end`. */
  lengthEnd(end: number): number {
    const at = this.pos;
    if (at < end) {
      const b = this.buf[at]!;
      if (b < 0x80 && b < end - at) {
        this.pos = at + 1;
        return at + 1 + b;
      }
    }
    return this.#longLengthEnd(end);
  }

  /** Out of line, so that lengthEnd() stays small enough to be inlined at its many call sites. */
  #longLengthEnd(end: number): number {
    const at = this.pos;
    const len = this.varint(end);
    if (len > end - this.pos)
      this.fail(`length ${len} runs past the end of its message (${end - this.pos} bytes left)`, at);
    return this.pos + len;
  }

  /** Unix nanoseconds (fixed64) as whole milliseconds, exactly: 2^32 ns = 4294 ms + 967296 ns. */
  fixed64Millis(end: number): number {
    const p = this.pos;
    if (end - p < 8) this.fail('truncated fixed64');
    const lo = this.view.getUint32(p, true);
    const hi = this.view.getUint32(p + 4, true);
    this.pos = p + 8;
    return hi * 4294 + Math.floor((hi * 967296 + lo) / 1e6);
  }

  /** Unix nanoseconds (fixed64) as an exact decimal string (they exceed 2^53). */
  fixed64Decimal(end: number): string {
    const p = this.pos;
    if (end - p < 8) this.fail('truncated fixed64');
    const lo = this.view.getUint32(p, true);
    const hi = this.view.getUint32(p + 4, true);
    this.pos = p + 8;
    return hi < 0x200000 ? String(hi * TWO_32 + lo) : ((BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  double(end: number): number {
    const p = this.pos;
    if (end - p < 8) this.fail('truncated double');
    this.pos = p + 8;
    return this.view.getFloat64(p, true);
  }

  /** Skips one field's value of the given wire type. */
  skip(wireType: number, field: number, end: number): void {
    switch (wireType) {
      case VARINT:
        this.varint(end);
        return;
      case I64:
        if (end - this.pos < 8) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.lengthEnd(end);
        return;
      case I32:
        if (end - this.pos < 4) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      case SGROUP:
        if (++this.#groupDepth > MAX_GROUP_DEPTH) this.fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        this.#skipGroup(field, end);
        this.#groupDepth--;
        return;
      default:
        this.fail(`invalid wire type ${wireType} for field ${field}`);
    }
  }

  /** Deprecated proto2 groups: skip nested fields up to the matching end-group tag. */
  #skipGroup(field: number, end: number): void {
    for (;;) {
      if (this.pos >= end) this.fail(`unterminated group for field ${field}`);
      const tag = this.tag(end);
      const wt = tag & 7;
      const f = tag >>> 3;
      if (wt === EGROUP) {
        if (f !== field) this.fail(`end group ${f} does not match start group ${field}`);
        return;
      }
      this.skip(wt, f, end);
    }
  }

  /** Whether buf[start, start+len) equals `bytes`. */
  equals(start: number, len: number, bytes: Uint8Array): boolean {
    if (len !== bytes.length) return false;
    const buf = this.buf;
    for (let i = 0; i < len; i++) if (buf[start + i] !== bytes[i]) return false;
    return true;
  }
}
