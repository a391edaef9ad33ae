import type { KeyMatcher } from './key-matcher.ts';
import { StringTable } from './string-table.ts';
import { I64, LEN, VARINT, type WireReader } from './wire-reader.ts';

/** The kind of scalar the last AnyValue held. */
const K_NONE = 0;
const K_STRING = 1;
const K_BOOL = 2;
const K_INT = 3;
const K_DOUBLE = 4;

/**
 * Reads OTLP KeyValue / AnyValue in place: matches the key's bytes against the
 * keys wanted and decodes the value only on a match, leaving its scalar here
 * (no object per attribute). Strings come from an intern table, so repeated
 * values cost a hash and a compare instead of a UTF-8 decode.
 *
 *   KeyValue   1 key  2 value
 *   AnyValue   1 string  2 bool  3 int  4 double  (5 array, 6 kvlist, 7 bytes: not scalars)
 */
export class AttributeReader {
  readonly #r: WireReader;
  readonly #strings: StringTable;
  #kind = K_NONE;
  /** The value of a bool (0/1), int or double. */
  number = 0;
  #start = 0;
  #end = 0;

  constructor(reader: WireReader, strings = new StringTable()) {
    this.#r = reader;
    this.#strings = strings;
  }

  /** Whether the last value read was an int or a double. */
  get isNumber(): boolean {
    return this.#kind === K_INT || this.#kind === K_DOUBLE;
  }

  /**
   * Reads one KeyValue ending at `end`. Returns the key's id in `keys` with its
   * value read, or -1 without decoding the value when the key is not wanted.
   */
  keyValue(end: number, keys: KeyMatcher): number {
    const r = this.#r;
    const buf = r.buf;
    const p = r.pos;
    // Fast path, the layout every SDK writes: key (tag 0x0a, 1-byte length), then value (0x12, 1-byte length), nothing else.
    if (buf[p] === 0x0a) {
      const klen = buf[p + 1]!;
      const v = p + 2 + klen;
      if (klen < 0x80 && v + 2 <= end && buf[v] === 0x12 && buf[v + 1]! < 0x80 && v + 2 + buf[v + 1]! === end) {
        const id = keys.match(r.view, p + 2, klen);
        if (id >= 0) {
          this.#kind = K_NONE;
          r.pos = v + 2;
          this.#anyValue(end);
        }
        r.pos = end;
        return id;
      }
    }
    let id = -1;
    let vStart = -1;
    let vEnd = -1;
    while (r.pos < end) {
      const tag = r.tag(end);
      const field = tag >>> 3;
      const wt = tag & 7;
      if (field === 1) {
        if (wt !== LEN) r.wrongType('key', wt, LEN);
        const e = r.lengthEnd(end);
        id = keys.match(r.view, r.pos, e - r.pos);
        r.pos = e;
      } else if (field === 2) {
        if (wt !== LEN) r.wrongType('value', wt, LEN);
        vEnd = r.lengthEnd(end);
        vStart = r.pos;
        r.pos = vEnd;
      } else r.skip(wt, field, end);
    }
    if (id < 0) return -1;
    this.#kind = K_NONE;
    if (vStart >= 0) {
      r.pos = vStart;
      this.#anyValue(vEnd);
      r.pos = end;
    }
    return id;
  }

  /** The last value as text: strings as they are, numbers and booleans in their usual form, '' for anything else. */
  text(): string {
    switch (this.#kind) {
      case K_STRING:
        return this.#strings.get(this.#r.buf, this.#start, this.#end, this.#r.view);
      case K_INT:
        // Past 2^53 a double rounds: 64-bit ids (snowflake tenants) would merge. Read the varint again, exactly.
        return Number.isSafeInteger(this.number)
          ? String(this.number)
          : exactInt64(this.#r.buf, this.#start, this.#end);
      case K_DOUBLE:
        return String(this.number);
      case K_BOOL:
        return this.number === 1 ? 'true' : 'false';
      default:
        return '';
    }
  }

  /** A oneof: the last scalar field present wins, as protobuf merging says. */
  #anyValue(end: number): void {
    const r = this.#r;
    const buf = r.buf;
    const p = r.pos;
    // Fast path: a lone string_value with a one-byte length.
    if (buf[p] === 0x0a && buf[p + 1]! < 0x80 && p + 2 + buf[p + 1]! === end) {
      this.#start = p + 2;
      this.#end = end;
      this.#kind = K_STRING;
      r.pos = end;
      return;
    }
    while (r.pos < end) {
      const tag = r.tag(end);
      const field = tag >>> 3;
      const wt = tag & 7;
      switch (field) {
        case 1:
          if (wt !== LEN) r.wrongType('string_value', wt, LEN);
          this.#end = r.lengthEnd(end);
          this.#start = r.pos;
          r.pos = this.#end;
          this.#kind = K_STRING;
          break;
        case 2:
          if (wt !== VARINT) r.wrongType('bool_value', wt, VARINT);
          this.number = r.varint(end) === 0 ? 0 : 1;
          this.#kind = K_BOOL;
          break;
        case 3:
          if (wt !== VARINT) r.wrongType('int_value', wt, VARINT);
          this.#start = r.pos;
          this.number = r.int64(end);
          this.#end = r.pos;
          this.#kind = K_INT;
          break;
        case 4:
          if (wt !== I64) r.wrongType('double_value', wt, I64);
          this.number = r.double(end);
          this.#kind = K_DOUBLE;
          break;
        default:
          // array, kvlist, bytes or a future kind: not a scalar the processor reads.
          r.skip(wt, field, end);
          this.#kind = K_NONE;
      }
    }
  }
}

/** The int64 varint in buf[start, end) as exact decimal text (two's complement, as protobuf writes negatives). */
function exactInt64(buf: Uint8Array, start: number, end: number): string {
  let v = 0n;
  for (let p = end - 1; p >= start; p--) v = (v << 7n) | BigInt(buf[p]! & 0x7f);
  return BigInt.asIntN(64, v).toString();
}
