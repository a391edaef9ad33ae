import { describe, expect, it } from 'vitest';
import { responseFacts, usageFrom } from '../src/index.ts';

describe('usageFrom', () => {
  it('reads OpenAI chat usage with cached and reasoning details', () => {
    expect(
      usageFrom({
        prompt_tokens: 10,
        completion_tokens: 4,
        prompt_tokens_details: { cached_tokens: 6 },
        completion_tokens_details: { reasoning_tokens: 2 },
      }),
    ).toEqual({ input: 10, output: 4, cacheRead: 6, reasoning: 2 });
  });

  it('reads OpenAI responses-API usage (input_tokens without Anthropic cache fields)', () => {
    expect(usageFrom({ input_tokens: 10, output_tokens: 3, input_tokens_details: { cached_tokens: 4 } })).toMatchObject(
      { input: 10, output: 3, cacheRead: 4 },
    );
  });

  it('reads Anthropic usage and adds cache reads and writes to input', () => {
    expect(
      usageFrom({ input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 90, cache_creation_input_tokens: 5 }),
    ).toMatchObject({ input: 100, output: 7, cacheRead: 90 });
  });

  it('reads Gemini usageMetadata', () => {
    expect(responseFacts({ usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 2 } })?.usage).toMatchObject({
      input: 8,
      output: 2,
    });
  });

  it('counts Gemini thinking tokens in output, as the GenAI conventions count reasoning', () => {
    expect(
      usageFrom({ promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 100, totalTokenCount: 115 }),
    ).toEqual({ input: 10, output: 105, reasoning: 100 });
  });

  it('drops NaN, negative and non-numeric counts instead of recording them', () => {
    expect(usageFrom({ prompt_tokens: Number.NaN, completion_tokens: -1 })).toBeUndefined();
    expect(usageFrom({ input_tokens: '12', output_tokens: 3 })).toEqual({ output: 3 });
    expect(usageFrom(undefined)).toBeUndefined();
    expect(usageFrom('tokens')).toBeUndefined();
  });
});
