import { SpanStatusCode } from '@opentelemetry/api';
import { DataPointType, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import {
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_ID,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_TOKEN_TYPE,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  TELLTALE_COST_SOURCE,
  TELLTALE_COST_USD,
  TELLTALE_VERSION_PROMPT,
} from '@telltale/conventions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METRIC_OPERATION_DURATION, METRIC_TOKEN_USAGE, modelCall, TOKEN_USAGE_BUCKETS } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk;
beforeEach(() => {
  sdk = startTestSdk({ versions: { prompt: 'support-v3' } });
});
afterEach(() => sdk.stop());

const openAiResponse = {
  id: 'chatcmpl-1',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi' } }],
  usage: {
    prompt_tokens: 120,
    completion_tokens: 30,
    prompt_tokens_details: { cached_tokens: 100 },
    completion_tokens_details: { reasoning_tokens: 12 },
  },
};

const anthropicResponse = {
  id: 'msg_1',
  model: 'claude-sonnet-4-5',
  stop_reason: 'end_turn',
  content: [{ type: 'text', text: 'hello' }],
  usage: { input_tokens: 50, output_tokens: 20, cache_read_input_tokens: 200, cache_creation_input_tokens: 0 },
};

describe('modelCall', () => {
  it('reads usage, model, id and finish reasons from an OpenAI chat response', async () => {
    const res = await modelCall({ provider: 'openai', model: 'gpt-4o' }, async () => openAiResponse);
    expect(res).toBe(openAiResponse);
    const span = await sdk.span('chat gpt-4o');
    expect(span.attributes).toMatchObject({
      [GEN_AI_OPERATION_NAME]: 'chat',
      [GEN_AI_PROVIDER_NAME]: 'openai',
      [GEN_AI_REQUEST_MODEL]: 'gpt-4o',
      [GEN_AI_RESPONSE_MODEL]: 'gpt-4o-2024-08-06',
      [GEN_AI_RESPONSE_ID]: 'chatcmpl-1',
      [GEN_AI_USAGE_INPUT_TOKENS]: 120,
      [GEN_AI_USAGE_OUTPUT_TOKENS]: 30,
      [GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 100,
      [GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 12,
      [TELLTALE_VERSION_PROMPT]: 'support-v3',
    });
    expect(span.attributes[GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(span.attributes[TELLTALE_COST_USD]).toBeUndefined();
  });

  it('reads an Anthropic response, counting cache reads into input tokens as the GenAI conventions do', async () => {
    await modelCall({ provider: 'anthropic', model: 'claude-sonnet-4-5' }, async () => anthropicResponse);
    const span = await sdk.span('chat claude-sonnet-4-5');
    expect(span.attributes[GEN_AI_USAGE_INPUT_TOKENS]).toBe(250);
    expect(span.attributes[GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(200);
    expect(span.attributes[GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(20);
    expect(span.attributes[GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['end_turn']);
  });

  it('records cost with its source and usage the caller reports through the handle', async () => {
    await modelCall({ provider: 'openai', model: 'gpt-4o-mini', operation: 'text_completion' }, async (call) => {
      call.setUsage({ input: 10, output: 5 });
      call.setCost(0.00042);
      call.setResponseModel('gpt-4o-mini-2024');
      return 'plain text, nothing to read';
    });
    const span = await sdk.span('text_completion gpt-4o-mini');
    expect(span.attributes[GEN_AI_OPERATION_NAME]).toBe('text_completion');
    expect(span.attributes[GEN_AI_USAGE_INPUT_TOKENS]).toBe(10);
    expect(span.attributes[TELLTALE_COST_USD]).toBe(0.00042);
    expect(span.attributes[TELLTALE_COST_SOURCE]).toBe('provider');
    expect(span.attributes[GEN_AI_RESPONSE_MODEL]).toBe('gpt-4o-mini-2024');
  });

  it('marks a failed call ERROR with error.type and rethrows the same error', async () => {
    const err = Object.assign(new Error('rate limited'), { name: 'RateLimitError', status: 429 });
    const caught = await modelCall({ provider: 'openai', model: 'gpt-4o' }, async () => {
      throw err;
    }).catch((e: unknown) => e);
    expect(caught).toBe(err);
    const span = await sdk.span('chat gpt-4o');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ERROR_TYPE]).toBe('RateLimitError');
  });

  it('emits gen_ai.client.token.usage per token type and gen_ai.client.operation.duration with the advised buckets', async () => {
    await modelCall({ provider: 'openai', model: 'gpt-4o' }, async () => openAiResponse);
    await sdk.collectMetrics();
    const usage = sdk.metric(METRIC_TOKEN_USAGE) as HistogramMetricData;
    expect(usage.dataPointType).toBe(DataPointType.HISTOGRAM);
    const byType = Object.fromEntries(usage.dataPoints.map((p) => [p.attributes[GEN_AI_TOKEN_TYPE], p.value.sum]));
    expect(byType).toEqual({ input: 120, output: 30 });
    expect(usage.dataPoints[0]?.value.buckets.boundaries).toEqual(TOKEN_USAGE_BUCKETS);
    const duration = sdk.metric(METRIC_OPERATION_DURATION) as HistogramMetricData;
    expect(duration.dataPoints[0]?.value.count).toBe(1);
    expect(duration.dataPoints[0]?.attributes[GEN_AI_PROVIDER_NAME]).toBe('openai');
  });
});
