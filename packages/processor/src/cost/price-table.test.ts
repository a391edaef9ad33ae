import { describe, expect, it } from 'vitest';
import { span } from '../../test/spans.ts';
import { PriceTable, parsePriceFile, shippedPriceEntries, usdPerMillionToPicoPerToken } from './price-table.ts';
import { priceCall } from './pricing.ts';

const table = new PriceTable([
  { provider: 'p', model: 'm', validFrom: '2025-01-01', usdPerMillion: { input: '1', output: '2' } },
  {
    provider: 'p',
    model: 'm',
    validFrom: '2025-03-01',
    usdPerMillion: { input: '0.5', output: '1.5', cacheRead: '0.05' },
  },
]);
const at = (iso: string) => Date.parse(iso);

describe('price table', () => {
  it('applies the entry in force at the span end time, from its valid-from date', () => {
    expect(table.lookup('p', 'm', at('2024-12-31T23:59:59.999Z'))).toBeUndefined();
    expect(table.lookup('p', 'm', at('2025-01-01T00:00:00Z'))?.input).toBe(1_000_000n);
    expect(table.lookup('p', 'm', at('2025-02-28T23:59:59Z'))?.input).toBe(1_000_000n);
    expect(table.lookup('p', 'm', at('2025-03-01T00:00:00Z'))?.input).toBe(500_000n);
  });

  it('reads a valid-from date-time without a zone as UTC, whatever the host time zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const noon = new PriceTable([
        { provider: 'p', model: 'm', validFrom: '2025-06-01T12:00:00', usdPerMillion: { input: '1', output: '1' } },
        {
          provider: 'p',
          model: 'z',
          validFrom: '2025-06-01T12:00:00+02:00',
          usdPerMillion: { input: '1', output: '1' },
        },
      ]);
      expect(noon.lookup('p', 'm', at('2025-06-01T11:59:59.999Z'))).toBeUndefined();
      expect(noon.lookup('p', 'm', at('2025-06-01T12:00:00Z'))?.input).toBe(1_000_000n);
      // An offset given is kept.
      expect(noon.lookup('p', 'z', at('2025-06-01T10:00:00Z'))?.input).toBe(1_000_000n);
      // RFC 3339 allows a space for the T; still UTC.
      const spaced = new PriceTable([
        { provider: 'p', model: 'm', validFrom: '2025-06-01 00:00:00', usdPerMillion: { input: '1', output: '1' } },
      ]);
      expect(spaced.lookup('p', 'm', at('2025-05-31T23:59:59.999Z'))).toBeUndefined();
      expect(spaced.lookup('p', 'm', at('2025-06-01T00:00:00Z'))?.input).toBe(1_000_000n);
      // Forms Date.parse would read in the host's zone are refused, not guessed.
      for (const validFrom of ['2025/06/01', 'June 1, 2025', '2025-06-01T25:00', '2025-6-1'])
        expect(
          () => new PriceTable([{ provider: 'p', model: 'm', validFrom, usdPerMillion: { input: '1', output: '1' } }]),
          validFrom,
        ).toThrow(/validFrom: not an ISO 8601 date/);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('converts USD per million tokens to exact picodollars per token and refuses sub-picodollar prices', () => {
    expect(usdPerMillionToPicoPerToken('0.0375', 'x')).toBe(37_500n);
    expect(usdPerMillionToPicoPerToken(0.15, 'x')).toBe(150_000n);
    expect(usdPerMillionToPicoPerToken('15', 'x')).toBe(15_000_000n);
    expect(() => usdPerMillionToPicoPerToken('0.0000001', 'prices[3].input')).toThrow(/prices\[3\]\.input/);
    expect(() => usdPerMillionToPicoPerToken('-1', 'x')).toThrow(/non-negative decimal/);
  });

  it('prices cache reads and reasoning at their own price and the rest at the plain one', () => {
    const s = span({
      provider: 'p',
      requestModel: 'm',
      endTimeMs: at('2025-04-01T00:00:00Z'),
      inputTokens: 1000,
      cacheReadTokens: 400,
      outputTokens: 300,
      reasoningTokens: 100,
    });
    // 600 × 0.5 + 400 × 0.05 + 200 × 1.5 + 100 × 1.5 (reasoning defaults to output) µUSD
    expect(priceCall(s, 'm', table)).toEqual({
      picoUsd: (300n + 20n + 300n + 150n) * 1_000_000n,
      source: 'price_table',
    });
  });

  it('stays exact past 2^53 picodollars, where doubles would round', () => {
    const tokens = 2 ** 40 + 1;
    const s = span({ provider: 'p', requestModel: 'm', endTimeMs: at('2025-02-01T00:00:00Z'), outputTokens: tokens });
    expect(priceCall(s, 'm', table).picoUsd).toBe(BigInt(tokens) * 2_000_000n);
  });

  it('prices a dated snapshot the table does not list at the price of the model asked for', () => {
    const t = new PriceTable([
      { provider: 'p', model: 'm', validFrom: '2025-01-01', usdPerMillion: { input: '1', output: '2' } },
      { provider: 'p', model: 'm-2025-06-01', validFrom: '2025-01-01', usdPerMillion: { input: '3', output: '3' } },
    ]);
    const call = (responseModel: string) =>
      priceCall(
        span({
          provider: 'p',
          requestModel: 'm',
          responseModel,
          endTimeMs: at('2025-07-01T00:00:00Z'),
          inputTokens: 1,
        }),
        responseModel,
        t,
      );
    expect(call('m-2025-04-14')).toEqual({ picoUsd: 1_000_000n, source: 'price_table' });
    // A snapshot with its own entry keeps its own price.
    expect(call('m-2025-06-01')).toEqual({ picoUsd: 3_000_000n, source: 'price_table' });
    expect(
      priceCall(span({ provider: 'p', requestModel: 'x', responseModel: 'x-1', inputTokens: 1 }), 'x-1', t).source,
    ).toBe('unpriced');
  });

  it('prices the shipped models when the provider answers with a dated snapshot', () => {
    const t = new PriceTable(shippedPriceEntries());
    for (const [requestModel, responseModel] of [
      ['gpt-4.1', 'gpt-4.1-2025-04-14'],
      ['o3', 'o3-2025-04-16'],
      ['o4-mini', 'o4-mini-2025-04-16'],
    ] as const) {
      const s = span({
        provider: 'openai',
        requestModel,
        responseModel,
        endTimeMs: at('2025-09-01T00:00:00Z'),
        inputTokens: 1,
      });
      expect(priceCall(s, responseModel, t).source, responseModel).toBe('price_table');
    }
  });

  it('lets an explicit cost on the span win and leaves unknown models unpriced, never $0', () => {
    expect(priceCall(span({ costUsd: 0.0123, provider: 'p' }), 'm', table)).toEqual({
      picoUsd: 12_300_000_000n,
      source: 'provider',
    });
    expect(priceCall(span({ provider: 'p', inputTokens: 5 }), 'unknown', table).source).toBe('unpriced');
  });

  it('ships a table that parses, with dated entries', () => {
    const t = new PriceTable(shippedPriceEntries());
    expect(t.size).toBeGreaterThan(10);
    expect(t.lookup('openai', 'gpt-4o', at('2024-06-01T00:00:00Z'))?.input).toBe(5_000_000n);
    expect(t.lookup('openai', 'gpt-4o', at('2025-01-01T00:00:00Z'))?.input).toBe(2_500_000n);
  });

  it('refuses a price field it does not know: a misspelt cacheRead would price cache reads at the input price', () => {
    const text = `prices:
  - { provider: p, model: m, validFrom: '2025-01-01', usdPerMillion: { input: '1', output: '2', cache_read: '0.1' } }
`;
    expect(() => parsePriceFile(text, 'prices.yaml')).toThrow(
      'prices.yaml: prices.0.usdPerMillion.cache_read: not a known field',
    );
  });
});
