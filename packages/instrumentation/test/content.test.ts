import {
  GEN_AI_INPUT_MESSAGES,
  GEN_AI_OUTPUT_MESSAGES,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_CALL_RESULT,
} from '@telltale/conventions';
import { afterEach, describe, expect, it } from 'vitest';
import { modelCall, scrubSecrets, tool } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk | undefined;
afterEach(() => sdk?.stop());

describe('scrubSecrets', () => {
  it('removes API keys, bearer tokens, secrets in key=value form and e-mail addresses', () => {
    const text = [
      'key sk-proj-abcdefghijklmnopqrstuvwx',
      'anthropic sk-ant-api03-abcdefghijklmnopqrstuvwxyz',
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop',
      'api_key=hunter2hunter2',
      'mail jane.doe@example.com',
      'aws AKIAABCDEFGHIJKLMNOP',
    ].join('\n');
    const out = scrubSecrets(text);
    for (const secret of ['sk-proj-abc', 'sk-ant-api03', 'eyJhbGci', 'hunter2', 'jane.doe@example.com', 'AKIAABCD']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('api_key=[REDACTED]');
    expect(scrubSecrets('order 12345 shipped')).toBe('order 12345 shipped');
  });

  it('removes secrets whose quotes JSON escaped, as in an object captured as text', () => {
    const json = JSON.stringify({ note: 'password="hunter22"', r: "api_key='zzzz9999'" });
    const out = scrubSecrets(json);
    expect(out).not.toContain('hunter22');
    expect(out).not.toContain('zzzz9999');
    expect(out).toContain('password=\\"[REDACTED]');
  });

  it('finds a key and a token at the end of long runs of their own prefixes', () => {
    const sk = 'sk-'.repeat(20_000);
    expect(scrubSecrets(`${sk} sk-proj-abcdefghijklmnop1234`)).toBe(`${sk} [REDACTED]`);
    const jwt = 'eyJ-'.repeat(20_000);
    expect(scrubSecrets(`${jwt} eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4`)).toBe(
      `${jwt} [REDACTED]`,
    );
    // Inside a word a key is not one: the start needs a boundary still.
    expect(scrubSecrets('task-abcdefghijklmnopqrstu')).toBe('task-abcdefghijklmnopqrstu');
  });

  it('finds an e-mail address at the end of a long run of address characters', () => {
    const hex = '0123456789abcdef'.repeat(4096);
    expect(scrubSecrets(`${hex} ops@example.com`)).toBe(`${hex} [REDACTED]`);
  });
});

describe('content capture', () => {
  it('is off by default', async () => {
    sdk = startTestSdk();
    await modelCall({ provider: 'openai', model: 'm', input: [{ role: 'user', content: 'hi' }] }, async () => ({
      choices: [{ message: { content: 'hello' } }],
    }));
    await tool('t', { arguments: { q: 1 } }, () => 'result');
    for (const span of await sdk!.spans()) {
      for (const key of [
        GEN_AI_INPUT_MESSAGES,
        GEN_AI_OUTPUT_MESSAGES,
        GEN_AI_TOOL_CALL_ARGUMENTS,
        GEN_AI_TOOL_CALL_RESULT,
      ]) {
        expect(span.attributes[key]).toBeUndefined();
      }
    }
  });

  it('when on, passes content through the redaction hook and then the default scrubber', async () => {
    const kinds: string[] = [];
    sdk = startTestSdk({
      content: {
        capture: true,
        redact: (text, { kind }) => {
          kinds.push(kind);
          return kind === 'tool.result' ? undefined : text.replaceAll('4111111111111111', '[card]');
        },
      },
    });
    await modelCall(
      { provider: 'openai', model: 'm', input: [{ role: 'user', content: 'card 4111111111111111 mail a@b.io' }] },
      async () => ({ choices: [{ message: { role: 'assistant', content: 'use key sk-live-abcdefghijklmnopqrstu' } }] }),
    );
    await tool('refund', { arguments: { order: 7 } }, () => 'secret result');
    const chat = await sdk!.span('chat m');
    expect(chat.attributes[GEN_AI_INPUT_MESSAGES]).toBe('[{"role":"user","content":"card [card] mail [REDACTED]"}]');
    expect(chat.attributes[GEN_AI_OUTPUT_MESSAGES]).toBe('[{"role":"assistant","content":"use key [REDACTED]"}]');
    const refund = await sdk!.span('execute_tool refund');
    expect(refund.attributes[GEN_AI_TOOL_CALL_ARGUMENTS]).toBe('{"order":7}');
    expect(refund.attributes[GEN_AI_TOOL_CALL_RESULT]).toBeUndefined();
    expect(kinds.sort()).toEqual(['input', 'output', 'tool.arguments', 'tool.result']);
  });

  it('drops the content when the redaction hook throws, and the call still succeeds', async () => {
    sdk = startTestSdk({
      content: {
        capture: true,
        redact: () => {
          throw new Error('hook bug');
        },
      },
    });
    expect(await tool('t', { arguments: 'x' }, async () => 'ok')).toBe('ok');
    expect((await sdk!.span('execute_tool t')).attributes[GEN_AI_TOOL_CALL_ARGUMENTS]).toBeUndefined();
  });
});

describe('content capture length', () => {
  it('keeps captured text up to content.maxLength, past maxAttributeLength, while other attributes stay clipped', async () => {
    sdk = startTestSdk({ content: { capture: true, maxLength: 8192 }, maxAttributeLength: 4096 });
    const long = 'a'.repeat(6000);
    await tool('t', { arguments: long, attributes: { note: long } }, () => 'ok');
    const span = await sdk!.span('execute_tool t');
    // A string argument is captured as it is, so only the limits cut it.
    expect(span.attributes[GEN_AI_TOOL_CALL_ARGUMENTS]).toBe(long);
    expect(span.attributes.note).toBe('a'.repeat(4096));
  });

  it('cuts captured text at content.maxLength', async () => {
    sdk = startTestSdk({ content: { capture: true, maxLength: 5000 }, maxAttributeLength: 4096 });
    await tool('t', { arguments: 'b'.repeat(6000) }, () => 'ok');
    expect((await sdk!.span('execute_tool t')).attributes[GEN_AI_TOOL_CALL_ARGUMENTS]).toBe('b'.repeat(5000));
  });
});

describe('captured objects', () => {
  it('writes an object met twice (shared, not a cycle) both times, and a real cycle as [Circular]', async () => {
    sdk = startTestSdk({ content: { capture: true } });
    const shared = { sku: 'A-1' };
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    await tool('t', { arguments: { a: shared, b: shared, list: [shared], loop } }, () => 'ok');
    expect((await sdk!.span('execute_tool t')).attributes[GEN_AI_TOOL_CALL_ARGUMENTS]).toBe(
      '{"a":{"sku":"A-1"},"b":{"sku":"A-1"},"list":[{"sku":"A-1"}],"loop":{"name":"loop","self":"[Circular]"}}',
    );
  });
});
