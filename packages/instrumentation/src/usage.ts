/**
 * Reading token usage, response model, id and finish reasons from the response
 * shapes people actually have: OpenAI chat completions
 * (`usage.prompt_tokens/completion_tokens`, cached and reasoning details),
 * OpenAI responses and Anthropic messages (`usage.input_tokens/output_tokens`,
 * `cache_read_input_tokens`), and Gemini (`usageMetadata`).
 *
 * Following the GenAI conventions, input tokens include cached ones: Anthropic
 * reports cache reads and cache writes apart from `input_tokens`, so they are
 * added in; `cacheRead` says how many of the input tokens were cache reads.
 */
import { safeCount, safeName } from './sanitize.ts';

export interface TokenUsage {
  input?: number | undefined;
  output?: number | undefined;
  cacheRead?: number | undefined;
  reasoning?: number | undefined;
}

export interface ResponseFacts {
  usage: TokenUsage | undefined;
  model: string | undefined;
  id: string | undefined;
  finishReasons: string[] | undefined;
  /** The completion itself, for opt-in content capture. */
  output: unknown;
}

type Rec = Record<string, unknown>;

function rec(value: unknown): Rec | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
}

/** Usage from a `usage` (or Gemini `usageMetadata`) object; undefined when nothing is readable. Never throws. */
export function usageFrom(value: unknown): TokenUsage | undefined {
  try {
    return readUsage(value);
  } catch {
    // A proxy or a throwing getter: nothing readable.
    return undefined;
  }
}

function readUsage(value: unknown): TokenUsage | undefined {
  const u = rec(value);
  if (u === undefined) return undefined;
  // Already in our own shape.
  if ('input' in u || 'output' in u) {
    return compact({
      input: safeCount(u.input),
      output: safeCount(u.output),
      cacheRead: safeCount(u.cacheRead),
      reasoning: safeCount(u.reasoning),
    });
  }
  if ('prompt_tokens' in u || 'completion_tokens' in u) {
    return compact({
      input: safeCount(u.prompt_tokens),
      output: safeCount(u.completion_tokens),
      cacheRead: safeCount(rec(u.prompt_tokens_details)?.cached_tokens),
      reasoning: safeCount(rec(u.completion_tokens_details)?.reasoning_tokens),
    });
  }
  if ('input_tokens' in u || 'output_tokens' in u) {
    const anthropicCacheRead = safeCount(u.cache_read_input_tokens);
    const anthropicCacheWrite = safeCount(u.cache_creation_input_tokens);
    const input = safeCount(u.input_tokens);
    const isAnthropic = anthropicCacheRead !== undefined || anthropicCacheWrite !== undefined;
    return compact({
      input:
        isAnthropic && input !== undefined ? input + (anthropicCacheRead ?? 0) + (anthropicCacheWrite ?? 0) : input,
      output: safeCount(u.output_tokens),
      cacheRead: anthropicCacheRead ?? safeCount(rec(u.input_tokens_details)?.cached_tokens),
      reasoning: safeCount(rec(u.output_tokens_details)?.reasoning_tokens),
    });
  }
  if ('promptTokenCount' in u || 'candidatesTokenCount' in u) {
    return compact({
      input: safeCount(u.promptTokenCount),
      // Gemini counts thinking apart from the candidates; output tokens include reasoning (GenAI conventions).
      output: sumCounts(safeCount(u.candidatesTokenCount), safeCount(u.thoughtsTokenCount)),
      cacheRead: safeCount(u.cachedContentTokenCount),
      reasoning: safeCount(u.thoughtsTokenCount),
    });
  }
  return undefined;
}

/**
 * Everything readable from a provider response; never throws. The completion
 * is only picked out when `withOutput` (content capture) asks for it.
 */
export function responseFacts(response: unknown, withOutput = false): ResponseFacts | undefined {
  try {
    const r = rec(response);
    if (r === undefined) return undefined;
    const model = typeof r.model === 'string' ? safeName(r.model, '') || undefined : safeModelVersion(r);
    return {
      usage: usageFrom(r.usage ?? r.usageMetadata),
      model,
      id: typeof r.id === 'string' ? safeName(r.id, '') || undefined : undefined,
      finishReasons: finishReasons(r),
      output: withOutput ? outputOf(r) : undefined,
    };
  } catch {
    return undefined;
  }
}

function outputOf(r: Rec): unknown {
  return Array.isArray(r.choices) ? r.choices.map((c) => rec(c)?.message) : (r.content ?? r.output ?? r.candidates);
}

function safeModelVersion(r: Rec): string | undefined {
  return typeof r.modelVersion === 'string' ? safeName(r.modelVersion, '') || undefined : undefined;
}

function finishReasons(r: Rec): string[] | undefined {
  if (typeof r.stop_reason === 'string') return [safeName(r.stop_reason, 'unknown')];
  const list = Array.isArray(r.choices) ? r.choices : Array.isArray(r.candidates) ? r.candidates : undefined;
  if (list === undefined) return typeof r.status === 'string' ? [safeName(r.status, 'unknown')] : undefined;
  const out: string[] = [];
  for (const item of list.slice(0, 16)) {
    const c = rec(item);
    const reason = c?.finish_reason ?? c?.finishReason;
    if (typeof reason === 'string') out.push(safeName(reason, 'unknown'));
  }
  return out.length > 0 ? out : undefined;
}

function compact(u: TokenUsage): TokenUsage | undefined {
  if (u.input === undefined && u.output === undefined && u.cacheRead === undefined && u.reasoning === undefined) {
    return undefined;
  }
  return u;
}

/** a + b where either may be absent; absent when both are. */
function sumCounts(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : a + b;
}
