import { SpanStatusCode } from '@opentelemetry/api';
import {
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_CALL_ID,
  GEN_AI_TOOL_NAME,
  TELLTALE_TOOL_ATTEMPT,
  TELLTALE_VERSION_POLICY,
  TELLTALE_VERSION_PROMPT,
  TELLTALE_VERSION_RETRIEVAL_CONFIG,
} from '@telltale/conventions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tool } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk;
beforeEach(() => {
  sdk = startTestSdk({ versions: { prompt: 'p-7', policy: 'pol-2', retrievalConfig: 'rc-1' } });
});
afterEach(() => sdk.stop());

class RefundDeniedError extends Error {}

describe('tool', () => {
  it('records a successful async tool call as an execute_tool span with the version metadata', async () => {
    const result = await tool('lookup_order', { callId: 'call_1' }, async () => ({ id: 42 }));
    expect(result).toEqual({ id: 42 });
    const span = await sdk.span('execute_tool lookup_order');
    expect(span.attributes[GEN_AI_OPERATION_NAME]).toBe('execute_tool');
    expect(span.attributes[GEN_AI_TOOL_NAME]).toBe('lookup_order');
    expect(span.attributes[GEN_AI_TOOL_CALL_ID]).toBe('call_1');
    expect(span.attributes[TELLTALE_TOOL_ATTEMPT]).toBe(1);
    expect(span.attributes[TELLTALE_VERSION_PROMPT]).toBe('p-7');
    expect(span.attributes[TELLTALE_VERSION_POLICY]).toBe('pol-2');
    expect(span.attributes[TELLTALE_VERSION_RETRIEVAL_CONFIG]).toBe('rc-1');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes[ERROR_TYPE]).toBeUndefined();
  });

  it('records a synchronous tool call and returns its value unchanged', async () => {
    const value = { same: true };
    expect(tool('search_kb', () => value)).toBe(value);
    expect((await sdk.span('execute_tool search_kb')).ended).toBe(true);
  });

  it('rethrows the very error a rejecting tool threw and marks the span ERROR with error.type', async () => {
    const err = new RefundDeniedError('over limit');
    const caught = await tool('refund', async () => {
      throw err;
    }).catch((e: unknown) => e);
    expect(caught).toBe(err);
    const span = await sdk.span('execute_tool refund');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ERROR_TYPE]).toBe('RefundDeniedError');
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('rethrows a synchronous throw, using the error code as error.type for plain errors', async () => {
    const err = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(() =>
      tool('lookup_order', () => {
        throw err;
      }),
    ).toThrow(err);
    expect((await sdk.span('execute_tool lookup_order')).attributes[ERROR_TYPE]).toBe('ECONNRESET');
  });

  it('records the attempt number of retries', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await tool('search_kb', { attempt }, async () => attempt).catch(() => {});
    }
    expect((await sdk.spans()).map((s) => s.attributes[TELLTALE_TOOL_ATTEMPT])).toEqual([1, 2, 3]);
  });

  it('makes the tool span the parent of spans started inside it', async () => {
    await tool('search_kb', async () => tool('embed', async () => 1));
    const outer = await sdk.span('execute_tool search_kb');
    const inner = await sdk.span('execute_tool embed');
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });
});
