import { hash } from 'node:crypto';
import { z } from 'zod';
import { SAFETY_KINDS } from './values.ts';

/**
 * One window aggregate: what one input shard (a Kafka partition, or the
 * embedded receiver) saw for one dimension set during one window.
 *
 * Every field is a count or a sum (numerators and denominators, never ratios),
 * so partial aggregates of the same window and key from several shards merge
 * exactly by addition. `id` is deterministic over (shard, window, key): a
 * replay re-emits the same id, and consumers apply each id once.
 */
export const AGGREGATE_SCHEMA_V1 = 'telltale.aggregate.v1';

const count = z.number().int().nonnegative();
// 30 digits is 10^18 USD: far past any real sum, and well inside what a double converts to a finite number
// (a few hundred digits became Infinity in USD and broke every metrics scrape after).
const picoUsd = z.string().regex(/^\d{1,30}$/, 'picodollars as a decimal integer string of at most 30 digits');

export const tokenCountsSchema = z.object({
  input: count,
  output: count,
  cacheRead: count,
  reasoning: count,
});

export const costSchema = z.object({
  /** Sum of the cost of the priced calls, in picodollars. */
  picoUsd,
  /** Calls whose cost is in picoUsd (explicit on the span, or from the price table). */
  pricedCalls: count,
  /** Calls with no explicit cost and no price: counted, never as $0. */
  unpricedCalls: count,
});

// A part is never more than its whole: consumers turn the difference into counters, which cannot go down.
export const toolStatsSchema = z
  .object({
    calls: count,
    successes: count,
  })
  .refine((t) => t.successes <= t.calls, { message: 'successes exceed calls', path: ['successes'] });

export const modelStatsSchema = z
  .object({
    provider: z.string(),
    model: z.string(),
    calls: count,
    errors: count,
    tokens: tokenCountsSchema,
    cost: costSchema,
  })
  .refine((m) => m.errors <= m.calls, { message: 'errors exceed calls', path: ['errors'] });

export const aggregateKeySchema = z.object({
  service: z.string(),
  /** Empty string when the spans belong to no workflow. */
  workflow: z.string(),
  /** Empty string when no tenant is known; `__overflow__` past the cap. */
  tenant: z.string(),
});

export const aggregateRecordSchema = z
  .object({
    schema: z.literal(AGGREGATE_SCHEMA_V1),
    id: z.string().regex(/^[0-9a-f]{32}$/, '32 lowercase hex characters'),
    /** The input this partial aggregate came from, e.g. `otlp_spans/3` or `embedded/mgp2x0ab` (one per all-in-one run). */
    shard: z.string().min(1),
    window: z
      .object({
        /** Inclusive start, Unix epoch milliseconds. */
        startMs: z.number().int(),
        /** Exclusive end, Unix epoch milliseconds. */
        endMs: z.number().int(),
      })
      .refine((w) => w.endMs > w.startMs, { message: 'window end must be after its start' }),
    key: aggregateKeySchema,
    /** Workflows that ended in this window, by outcome. */
    workflows: z.object({
      success: count,
      failure: count,
      handoff: count,
      abandoned: count,
    }),
    /** Workflows (of those counted above) with at least one fallback. */
    workflowsWithFallback: count,
    /**
     * All model spend of the workflows counted above, failed ones too (wasted
     * spend counts): the numerator of cost per successful outcome.
     */
    workflowCost: costSchema,
    /** Tool calls that ended in this window, by gen_ai.tool.name. */
    tools: z.record(z.string(), toolStatsSchema),
    /** Model calls that ended in this window, by `provider/model`. */
    models: z.record(z.string(), modelStatsSchema),
    /** Fallback activations (events) in this window. */
    fallbacks: count,
    /** Safety events in this window: kind → policy → count. */
    safety: z.partialRecord(z.enum(SAFETY_KINDS), z.record(z.string(), count)),
  })
  .refine(
    (r) =>
      r.workflowsWithFallback <=
      r.workflows.success + r.workflows.failure + r.workflows.handoff + r.workflows.abandoned,
    { message: 'more workflows with a fallback than workflows', path: ['workflowsWithFallback'] },
  );

export type TokenCounts = z.infer<typeof tokenCountsSchema>;
export type Cost = z.infer<typeof costSchema>;
export type ToolStats = z.infer<typeof toolStatsSchema>;
export type ModelStats = z.infer<typeof modelStatsSchema>;
export type AggregateKey = z.infer<typeof aggregateKeySchema>;
export type AggregateRecord = z.infer<typeof aggregateRecordSchema>;

/** The deterministic id of the aggregate of one shard, window and key. */
export function aggregateId(shard: string, windowStartMs: number, windowEndMs: number, key: AggregateKey): string {
  return keyedId(windowIdPrefix(shard, windowStartMs, windowEndMs), key);
}

/**
 * `aggregateId` for the keys of one window: the shard and window part of the
 * hashed text is written once, and each id appends only its key. Printing the
 * two epoch-millisecond bounds (past 2^31, so the slow number-to-text path)
 * cost more than the rest of the text.
 */
export function windowAggregateIds(
  shard: string,
  windowStartMs: number,
  windowEndMs: number,
): (key: AggregateKey) => string {
  const prefix = windowIdPrefix(shard, windowStartMs, windowEndMs);
  return (key) => keyedId(prefix, key);
}

/*
 * The hashed text is the JSON array [schema, shard, start, end, service,
 * workflow, tenant], written out by hand. JSON.stringify of the array cost
 * more than the hash itself; the text, and so every id, is the same (window
 * bounds are finite integers, which print alike either way).
 */

function windowIdPrefix(shard: string, windowStartMs: number, windowEndMs: number): string {
  return `["${AGGREGATE_SCHEMA_V1}",${jsonString(shard)},${windowStartMs},${windowEndMs},`;
}

function keyedId(prefix: string, key: AggregateKey): string {
  const { service, workflow, tenant } = key;
  // One concatenation when no value needs escaping, as real keys never do.
  const text =
    plainJson(service) && plainJson(workflow) && plainJson(tenant)
      ? `${prefix}"${service}","${workflow}","${tenant}"]`
      : `${prefix}${jsonString(service)},${jsonString(workflow)},${jsonString(tenant)}]`;
  // One-shot hash: a processor computes one id per emitted record, and createHash's object per call showed in profiles.
  return hash('sha256', text, 'hex').slice(0, 32);
}

function jsonString(s: string): string {
  return plainJson(s) ? `"${s}"` : JSON.stringify(s);
}

/**
 * Whether JSON.stringify would write `s` as it is between quotes: no quote,
 * backslash, control character or (possibly lone) surrogate. A loop, as it
 * measured a little faster than a regular expression on these short values.
 */
function plainJson(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/** The model key in `AggregateRecord.models`. */
export function modelKey(provider: string, model: string): string {
  return `${provider}/${model}`;
}
