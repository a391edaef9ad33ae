import { describe, expect, it } from 'vitest';
import { ok } from '../../test/decode-result.ts';
import { nanos, type TestResource, tracesProto } from '../../test/fixtures/otlp.ts';
import { decodeOtlpProto } from './otlp-proto.ts';
import { ResourceCache } from './resource-cache.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

function record(resource: TestResource['attributes']): Uint8Array {
  return tracesProto([
    {
      attributes: resource,
      scopes: [{ name: 's', spans: [{ traceId: TRACE, spanId: '0000000000000001', endTimeUnixNano: nanos(1) }] }],
    },
  ]);
}

const services = (bytes: Uint8Array) => ok(decodeOtlpProto(bytes)).map((s) => [s.service, s.serviceVersion]);

describe('the resource cache in decodeOtlpProto', () => {
  it('tells apart resources of the same length, however often they alternate', () => {
    const a = record({ 'service.name': 'svc-a', 'service.version': '1.0', 'host.name': 'h1' });
    const b = record({ 'service.name': 'svc-b', 'service.version': '2.0', 'host.name': 'h2' });
    expect(a.length).toBe(b.length);
    for (let i = 0; i < 3; i++) {
      expect(services(a)).toEqual([['svc-a', '1.0']]);
      expect(services(b)).toEqual([['svc-b', '2.0']]);
    }
  });

  it('notices when the bytes of a resource it has cached change in place', () => {
    const bytes = Buffer.from(record({ 'service.name': 'svc-a' }));
    expect(services(bytes)).toEqual([['svc-a', '']]);
    const at = bytes.indexOf('svc-a');
    bytes.write('svc-z', at);
    expect(services(bytes)).toEqual([['svc-z', '']]);
  });

  it('applies a cached resource that comes after its spans', () => {
    const early = record({ 'service.name': 'late-svc' });
    expect(services(early)).toEqual([['late-svc', '']]);
    // The same Resource bytes, now after the scope_spans: the cache hit must still apply to the spans before it.
    const [resourceField, scopeField] = splitResourceSpans(Buffer.from(early));
    const late = lengthDelimited(0x0a, Buffer.concat([scopeField, resourceField]));
    expect(services(late)).toEqual([['late-svc', '']]);
  });

  it('merges a second resource field into the first, cached or not', () => {
    const withVersion = record({ 'service.name': 'svc', 'service.version': '3.1' });
    const [full, scope] = splitResourceSpans(Buffer.from(withVersion));
    const nameOnly = splitResourceSpans(Buffer.from(record({ 'service.name': 'other' })))[0];
    const merged = lengthDelimited(0x0a, Buffer.concat([full, nameOnly, scope]));
    for (let i = 0; i < 2; i++) expect(services(merged)).toEqual([['other', '3.1']]);
  });

  it('still reads a resource too large to cache, every time', () => {
    const big = record({ 'service.name': 'big', 'host.name': 'x'.repeat(10_000) });
    for (let i = 0; i < 2; i++) expect(services(big)).toEqual([['big', '']]);
  });
});

describe('ResourceCache', () => {
  it('keeps a bounded number of resources and forgets the oldest', () => {
    const cache = new ResourceCache(2, 16);
    const buf = Buffer.from('aaaabbbbccccdddd');
    for (const [start, name] of [
      [0, 'a'],
      [4, 'b'],
      [8, 'c'],
    ] as const) {
      cache.service = name;
      cache.version = null;
      cache.store(buf, start, start + 4);
    }
    expect(cache.find(buf, 0, 4)).toBe(false);
    expect(cache.find(buf, 4, 8) && cache.service).toBe('b');
    expect(cache.find(buf, 8, 12) && cache.service).toBe('c');
    expect(cache.find(buf, 12, 16)).toBe(false);
  });

  it('does not cache what exceeds its size limit', () => {
    const cache = new ResourceCache(2, 4);
    const buf = Buffer.from('abcdefgh');
    cache.service = 'long';
    cache.store(buf, 0, 8);
    expect(cache.find(buf, 0, 8)).toBe(false);
  });
});

/** The resource field and the scope_spans field of the only ResourceSpans in `bytes`, as whole fields. */
function splitResourceSpans(bytes: Buffer): [Buffer, Buffer] {
  const body = bytes.subarray(headerLength(bytes, 0));
  expect(body[0]).toBe(0x0a);
  const resourceEnd = headerLength(body, 0) + fieldLength(body, 0);
  expect(body[resourceEnd]).toBe(0x12);
  return [body.subarray(0, resourceEnd), body.subarray(resourceEnd)];
}

/** Bytes of a field's tag and length prefix (tags here are one byte). */
function headerLength(b: Buffer, at: number): number {
  let p = at + 1;
  while (b[p]! >= 0x80) p++;
  return p + 1 - at;
}

function fieldLength(b: Buffer, at: number): number {
  let p = at + 1;
  let len = 0;
  let shift = 0;
  for (;;) {
    const byte = b[p++]!;
    len += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return len;
    shift += 7;
  }
}

function lengthDelimited(tag: number, body: Buffer): Buffer {
  const len: number[] = [];
  let n = body.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  len.push(n);
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
