import { type CostSource, usdToPico } from '@telltale/conventions';
import type { Span } from '../span.ts';
import { type Pico, picoOf } from './pico-sum.ts';
import type { PriceTable } from './price-table.ts';

/** The cost of one model call: picodollars and where they came from (0n and `unpriced` when unknown). */
export interface CallCost {
  picoUsd: bigint;
  source: CostSource;
}

const UNPRICED: CallCost = { picoUsd: 0n, source: 'unpriced' };

/**
 * Explicit `telltale.cost.usd` on the span wins (the provider said so);
 * otherwise tokens × the price in force at the span's end time. Token counts
 * follow the GenAI conventions: input tokens include cache reads and output
 * tokens include reasoning, so those parts are billed at their own price and
 * the rest at the plain one.
 */
export function priceCall(span: Span, model: string, table: PriceTable): CallCost {
  const picoUsd = callPicoUsd(span, model, table);
  if (picoUsd === undefined) return UNPRICED;
  return { picoUsd: BigInt(picoUsd), source: span.costUsd !== undefined ? 'provider' : 'price_table' };
}

/** `priceCall`'s picodollars, undefined when unpriced: the engine's per-call path, without a result object. */
export function callPicoUsd(span: Span, model: string, table: PriceTable): Pico | undefined {
  if (span.costUsd !== undefined) return picoOf(usdToPico(span.costUsd));
  // The model that answered first (a dated snapshot has its own entry when its price differs), else the one asked
  // for: providers answer `gpt-4.1` with `gpt-4.1-2025-04-14`, and a table listing the alias still prices it.
  const price =
    table.lookup(span.provider, model, span.endTimeMs) ??
    (span.requestModel !== model && span.requestModel !== ''
      ? table.lookup(span.provider, span.requestModel, span.endTimeMs)
      : undefined);
  if (!price) return undefined;
  const plainInput = Math.max(0, span.inputTokens - span.cacheReadTokens);
  const plainOutput = Math.max(0, span.outputTokens - span.reasoningTokens);
  // Exact in doubles while every term and the sum stay below 2^53 (all integers, all non-negative):
  // true for any real call, and it spares a dozen BigInt allocations per span.
  const fast: number =
    plainInput * price.inputN +
    span.cacheReadTokens * price.cacheReadN +
    plainOutput * price.outputN +
    span.reasoningTokens * price.reasoningN;
  if (fast <= Number.MAX_SAFE_INTEGER) return fast;
  return (
    BigInt(plainInput) * price.input +
    BigInt(span.cacheReadTokens) * price.cacheRead +
    BigInt(plainOutput) * price.output +
    BigInt(span.reasoningTokens) * price.reasoning
  );
}
