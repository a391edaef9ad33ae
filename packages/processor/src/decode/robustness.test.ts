import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../../../test/support/random.ts';
import { type AttrValue, type TestResource, type TestSpan, tracesJson, tracesProto } from '../../test/fixtures/otlp.ts';
import type { DecodeResult } from '../span.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import { decodeOtlpProto } from './otlp-proto.ts';
import { SPAN_ATTRIBUTE_KEYS } from './span-fields.ts';

/**
 * Property-style checks with a seeded generator (a failure names its seed):
 * the two decoders agree on every generated payload, and no mangling of a
 * valid payload makes either one throw.
 */

function hexOf(rand: () => number, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Math.floor(rand() * 256)
      .toString(16)
      .padStart(2, '0');
  return s;
}

const WORDS = ['chat', 'openai', 'gpt-4o', 'acme', 'Zürich', '東京', '', 'success', 'x'.repeat(70), 'search'];
const EXTRA_KEYS = ['http.method', 'gen_ai.response.id', 'telltale.tool.attempt', 'a', 'service.name'];

function value(rand: () => number): AttrValue {
  const k = Math.floor(rand() * 7);
  if (k === 0) return Math.floor(rand() * 100_000);
  if (k === 1) return rand() < 0.2 ? -Math.floor(rand() * 10) : rand() * 10;
  if (k === 2) return rand() < 0.5;
  if (k === 3) return { double: Math.floor(rand() * 50) };
  if (k === 4) return { array: [WORDS[0]!, 1] };
  return WORDS[Math.floor(rand() * WORDS.length)]!;
}

function attrs(rand: () => number, keys: readonly string[], n: number): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (let i = 0; i < n; i++) {
    const pool = rand() < 0.7 ? keys : EXTRA_KEYS;
    out[pool[Math.floor(rand() * pool.length)]!] = value(rand);
  }
  return out;
}

function randomPayload(seed: number): TestResource[] {
  const rand = rng(seed);
  const resources: TestResource[] = [];
  const nRes = 1 + Math.floor(rand() * 3);
  for (let r = 0; r < nRes; r++) {
    const scopes: TestResource['scopes'] = [];
    const nScopes = 1 + Math.floor(rand() * 2);
    for (let s = 0; s < nScopes; s++) {
      const traceId = hexOf(rand, 16);
      const spans: TestSpan[] = [];
      const nSpans = Math.floor(rand() * 5);
      for (let i = 0; i < nSpans; i++) {
        spans.push({
          traceId: rand() < 0.8 ? traceId : hexOf(rand, 16),
          spanId: hexOf(rand, 8),
          parentSpanId: rand() < 0.5 ? hexOf(rand, 8) : '',
          endTimeUnixNano: (
            BigInt(Math.floor(rand() * 2 ** 31)) * 1_000_000_000n +
            BigInt(Math.floor(rand() * 1e9))
          ).toString(),
          statusCode: Math.floor(rand() * 4),
          attributes: attrs(rand, SPAN_ATTRIBUTE_KEYS, Math.floor(rand() * 10)),
          events:
            rand() < 0.3
              ? [
                  {
                    name: rand() < 0.7 ? 'telltale.safety' : 'other',
                    timeUnixNano: BigInt(`0x${hexOf(rand, 8)}`).toString(),
                    attributes: attrs(
                      rand,
                      ['telltale.safety.kind', 'telltale.safety.policy', 'telltale.fallback.to'],
                      3,
                    ),
                  },
                ]
              : [],
        });
      }
      scopes.push({ name: `scope-${s}`, spans });
    }
    resources.push({ attributes: attrs(rand, ['service.name', 'service.version'], 2), scopes });
  }
  return resources;
}

function neverThrows(decode: (b: Uint8Array) => DecodeResult, bytes: Uint8Array, label: string): DecodeResult {
  let result: DecodeResult | undefined;
  expect(() => {
    result = decode(bytes);
  }, label).not.toThrow();
  if (result === undefined) throw new Error(label);
  if (!result.ok) expect(result.reason.length, label).toBeGreaterThan(0);
  return result;
}

describe('both decoders', () => {
  it('produce identical spans from the protobuf and JSON forms of the same payload', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const payload = randomPayload(seed);
      const fromProto = decodeOtlpProto(tracesProto(payload));
      const fromJson = decodeOtlpJson(Buffer.from(JSON.stringify(tracesJson(payload))));
      expect(fromProto.ok, `seed ${seed}`).toBe(true);
      expect(fromJson, `seed ${seed}`).toEqual(fromProto);
    }
  });
});

describe('decodeOtlpProto on mangled input', () => {
  it('never throws on any truncation of a valid payload', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const bytes = tracesProto(randomPayload(seed));
      for (let len = 0; len < bytes.length; len++) {
        neverThrows(decodeOtlpProto, bytes.subarray(0, len), `seed ${seed} truncated to ${len}`);
      }
    }
  });

  it('never throws when bytes of a valid payload are overwritten at random', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const rand = rng(seed * 7919);
      const bytes = Buffer.from(tracesProto(randomPayload(seed)));
      const flips = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < flips && bytes.length > 0; i++)
        bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      neverThrows(decodeOtlpProto, bytes, `seed ${seed}`);
    }
  });

  it('never throws on random garbage, and rejects most of it', () => {
    let rejected = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const rand = rng(seed);
      const bytes = new Uint8Array(1 + Math.floor(rand() * 200)).map(() => Math.floor(rand() * 256));
      if (!neverThrows(decodeOtlpProto, bytes, `seed ${seed}`).ok) rejected++;
    }
    expect(rejected).toBeGreaterThan(400);
  });

  it('reports a truncation in the middle of a span with its path', () => {
    const bytes = tracesProto(randomPayload(3));
    const result = decodeOtlpProto(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^protobuf: .+ at byte \d+ in TracesData\.resource_spans\[\d+\]/);
  });
});

describe('decodeOtlpJson on mangled input', () => {
  it('never throws on any truncation of a valid payload', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const bytes = Buffer.from(JSON.stringify(tracesJson(randomPayload(seed))));
      for (let len = 0; len < bytes.length; len++)
        neverThrows(decodeOtlpJson, bytes.subarray(0, len), `seed ${seed} len ${len}`);
    }
  });

  it('never throws when any value of a valid payload is replaced by a value of another type', () => {
    const replacements: unknown[] = [null, 0, -1.5, 'x', '', true, [], {}, [1, 'a'], { stringValue: 1 }];
    for (let seed = 1; seed <= 6; seed++) {
      const json = tracesJson(randomPayload(seed));
      const paths: (string | number)[][] = [];
      const walk = (v: unknown, path: (string | number)[]) => {
        paths.push(path);
        if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
        else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      };
      walk(json, []);
      for (const path of paths) {
        for (const replacement of replacements) {
          const copy = JSON.parse(JSON.stringify(json)) as Record<string | number, unknown>;
          let target: Record<string | number, unknown> | undefined = copy;
          for (const p of path.slice(0, -1)) target = target?.[p] as Record<string | number, unknown> | undefined;
          const text =
            path.length === 0
              ? JSON.stringify(replacement)
              : (() => {
                  if (target) target[path.at(-1)!] = replacement;
                  return JSON.stringify(copy);
                })();
          neverThrows(
            decodeOtlpJson,
            Buffer.from(text),
            `seed ${seed} ${path.join('.')} = ${JSON.stringify(replacement)}`,
          );
        }
      }
    }
  });
});
