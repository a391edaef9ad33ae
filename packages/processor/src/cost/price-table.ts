import { readFileSync } from 'node:fs';
import { issueAt } from '@telltale/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PriceTableError } from '../errors.ts';

/**
 * A dated price table: per provider and model, entries each valid from a date
 * until the next entry's date. Prices are USD per one million tokens, written
 * as decimal strings (numbers are accepted too) and held as integer
 * picodollars per token, so cost arithmetic is exact: $0.0375/M is 37 500 pUSD
 * per token. A price with more than six decimals would need a fraction of a
 * picodollar per token and is refused.
 */

const usdPerMillion = z.union([z.string(), z.number()]);

const priceEntrySchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  /** ISO 8601 date or date-time (UTC when no offset): the first instant this price applies. */
  validFrom: z.string().min(1),
  usdPerMillion: z.strictObject({
    input: usdPerMillion,
    output: usdPerMillion,
    /** Defaults to the input price. */
    cacheRead: usdPerMillion.optional(),
    /** Defaults to the output price. */
    reasoning: usdPerMillion.optional(),
  }),
});

const priceFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  currency: z.string().optional(),
  prices: z.array(priceEntrySchema),
});

export type PriceEntryInput = z.infer<typeof priceEntrySchema>;

/** One price in force from `validFromMs`, in picodollars per token. */
export interface Price {
  validFromMs: number;
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  reasoning: bigint;
  /** The same prices as doubles, for the exact fast path (prices are far below 2^53 pUSD/token). */
  inputN: number;
  outputN: number;
  cacheReadN: number;
  reasoningN: number;
}

export class PriceTable {
  /** provider → model → prices sorted by validFromMs ascending (nested maps: no key string built per lookup). */
  readonly #byModel = new Map<string, Map<string, Price[]>>();
  #models = 0;

  constructor(entries: readonly PriceEntryInput[]) {
    entries.forEach((e, i) => {
      const where = `prices[${i}] (${e.provider}/${e.model})`;
      const validFromMs = parseValidFrom(e.validFrom, where);
      const input = usdPerMillionToPicoPerToken(e.usdPerMillion.input, `${where}.usdPerMillion.input`);
      const output = usdPerMillionToPicoPerToken(e.usdPerMillion.output, `${where}.usdPerMillion.output`);
      const exact: Omit<Price, 'inputN' | 'outputN' | 'cacheReadN' | 'reasoningN'> = {
        validFromMs,
        input,
        output,
        cacheRead:
          e.usdPerMillion.cacheRead === undefined
            ? input
            : usdPerMillionToPicoPerToken(e.usdPerMillion.cacheRead, `${where}.usdPerMillion.cacheRead`),
        reasoning:
          e.usdPerMillion.reasoning === undefined
            ? output
            : usdPerMillionToPicoPerToken(e.usdPerMillion.reasoning, `${where}.usdPerMillion.reasoning`),
      };
      const price: Price = {
        ...exact,
        inputN: Number(exact.input),
        outputN: Number(exact.output),
        cacheReadN: Number(exact.cacheRead),
        reasoningN: Number(exact.reasoning),
      };
      let byModel = this.#byModel.get(e.provider);
      if (!byModel) {
        byModel = new Map();
        this.#byModel.set(e.provider, byModel);
      }
      let list = byModel.get(e.model);
      if (!list) {
        list = [];
        byModel.set(e.model, list);
        this.#models++;
      }
      // A later entry with the same date replaces the earlier one: that is how an override file corrects a price.
      const same = list.findIndex((p) => p.validFromMs === validFromMs);
      if (same >= 0) list[same] = price;
      else list.push(price);
      list.sort((a, b) => a.validFromMs - b.validFromMs);
    });
  }

  /** The price in force at `atMs` for the model, or undefined when none is (unknown model, or before its first date). */
  lookup(provider: string, model: string, atMs: number): Price | undefined {
    const list = this.#byModel.get(provider)?.get(model);
    if (!list) return undefined;
    let found: Price | undefined;
    for (const p of list) {
      if (p.validFromMs <= atMs) found = p;
      else break;
    }
    return found;
  }

  /** Distinct (provider, model) pairs priced. */
  get size(): number {
    return this.#models;
  }
}

/** A date-time with a zone: Z or an offset at its end. Without one, Date.parse would read the host's local time. */
/** ISO 8601 / RFC 3339: a date, or a date and time (`T` or a space between), with an optional zone. */
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

function parseValidFrom(s: string, where: string): number {
  // Only ISO forms, read as UTC when no zone is given: Date.parse reads other forms (2025/06/01) in the host's
  // time zone, and replicas in different zones would price the same call differently.
  const m = ISO_DATE_TIME.exec(s.trim());
  const ms = m ? Date.parse(`${m[1]}T${m[2] ?? '00:00'}${(m[3] ?? 'Z').toUpperCase()}`) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new PriceTableError(
      `${where}.validFrom: not an ISO 8601 date or date-time (2025-06-01, 2025-06-01T12:00:00Z): ${JSON.stringify(s)}`,
    );
  return ms;
}

/** USD per million tokens (decimal) → integer picodollars per token, exactly, or an error naming `where`. */
export function usdPerMillionToPicoPerToken(value: string | number, where: string): bigint {
  const s = typeof value === 'number' ? numberToPlainDecimal(value) : value.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new PriceTableError(`${where}: not a non-negative decimal number: ${JSON.stringify(value)}`);
  const whole = m[1] as string;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  // 1 USD per million tokens = 1e12 / 1e6 = 1e6 picodollars per token.
  if (frac.length > 6)
    throw new PriceTableError(
      `${where}: ${s} USD per million tokens has more than 6 decimals, below one picodollar per token`,
    );
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0') || '0');
}

function numberToPlainDecimal(n: number): string {
  if (!Number.isFinite(n) || n < 0) return String(n);
  const s = String(n);
  return s.includes('e') ? n.toFixed(12) : s;
}

/** The table that ships with the package (src/cost/prices.json). */
export function shippedPriceEntries(): PriceEntryInput[] {
  const text = readFileSync(new URL('./prices.json', import.meta.url), 'utf8');
  return parsePriceFile(text, 'prices.json');
}

/** Parses a price file (YAML or JSON: JSON is YAML) or throws naming the file and field. */
export function parsePriceFile(text: string, name: string): PriceEntryInput[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new PriceTableError(`${name}: not valid YAML/JSON: ${(err as Error).message}`);
  }
  const r = priceFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = issueAt(r.error.issues[0]);
    throw new PriceTableError(`${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data.prices;
}

/**
 * The shipped table extended by an override file: override entries are added,
 * and an entry with the same provider, model and validFrom replaces the shipped one.
 */
export function loadPriceTable(overrideFile?: string): PriceTable {
  const entries = shippedPriceEntries();
  if (overrideFile) {
    let text: string;
    try {
      text = readFileSync(overrideFile, 'utf8');
    } catch (err) {
      throw new PriceTableError(`${overrideFile}: cannot read price file: ${(err as Error).message}`);
    }
    entries.push(...parsePriceFile(text, overrideFile));
  }
  return new PriceTable(entries);
}
