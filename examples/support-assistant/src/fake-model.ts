/**
 * A fake model provider: deterministic replies in the OpenAI chat-completions
 * and Anthropic messages response shapes, with token usage derived from the
 * text, and a price list so the assistant can report exact per-call costs.
 */

export interface ModelPrice {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
}

export const MODEL_PRICES: Record<string, ModelPrice> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
};

export class ModelOverloadedError extends Error {
  override name = 'ModelOverloadedError';
  readonly status = 529;
}

export interface OpenAiChatResponse {
  id: string;
  object: 'chat.completion';
  model: string;
  choices: { index: number; finish_reason: string; message: { role: 'assistant'; content: string } }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
  };
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  model: string;
  stop_reason: string;
  content: { type: 'text'; text: string }[];
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
  };
}

/** Roughly four characters per token, at least one. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

let sequence = 0;

export function openAiChat(model: string, prompt: string, reply: string): OpenAiChatResponse {
  const input = countTokens(prompt);
  const output = countTokens(reply);
  return {
    id: `chatcmpl-${++sequence}`,
    object: 'chat.completion',
    model: `${model}-2024-07-18`,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: reply } }],
    usage: {
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
      prompt_tokens_details: { cached_tokens: 0 },
    },
  };
}

/** An Anthropic reply; `cacheRead` tokens of the system prompt came from the prompt cache. */
export function anthropicMessage(model: string, prompt: string, reply: string, cacheRead: number): AnthropicMessage {
  return {
    id: `msg_${++sequence}`,
    type: 'message',
    model,
    stop_reason: 'end_turn',
    content: [{ type: 'text', text: reply }],
    usage: {
      input_tokens: countTokens(prompt),
      output_tokens: countTokens(reply),
      cache_read_input_tokens: cacheRead,
      cache_creation_input_tokens: 0,
    },
  };
}

/**
 * Cost of one call in USD. Input tokens here are all input tokens (cache reads
 * included, as the GenAI conventions count them), billed at the input price.
 */
export function costUsd(model: string, inputTokens: number, outputTokens: number): number {
  const price = MODEL_PRICES[model];
  if (price === undefined) throw new RangeError(`no price for model ${model}`);
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}
