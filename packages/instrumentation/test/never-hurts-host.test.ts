import { propagation, trace } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  BAGGAGE_TENANT_ID,
  GEN_AI_TOOL_CALL_ARGUMENTS,
  GEN_AI_TOOL_NAME,
  GEN_AI_USAGE_INPUT_TOKENS,
} from '@telltale/conventions';
import { afterEach, describe, expect, it } from 'vitest';
import { fallback, modelCall, safety, start, tool, workflow } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk | undefined;
afterEach(async () => {
  await sdk?.stop();
  sdk = undefined;
});

const TEN_MB = 'x'.repeat(10 * 1024 * 1024);

function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { name: 'loop' };
  o.self = o;
  return o;
}

describe('the SDK never hurts the host', () => {
  it('accepts undefined, NaN, cyclic and huge inputs everywhere without throwing', async () => {
    sdk = startTestSdk({ content: { capture: true } });
    const u = undefined as unknown as string;
    expect(tool(u, () => 1)).toBe(1);
    expect(
      tool(TEN_MB, { attempt: Number.NaN, callId: cyclic() as unknown as string, arguments: cyclic() }, () => 2),
    ).toBe(2);
    expect(
      await modelCall({ provider: u, model: TEN_MB, input: cyclic() }, async (call) => {
        call.setUsage({ input: Number.NaN, output: Number.POSITIVE_INFINITY });
        call.setCost(Number.NaN);
        call.setFinishReasons(u as unknown as string[]);
        call.setResponseModel(cyclic() as unknown as string);
        return cyclic();
      }),
    ).toMatchObject({ name: 'loop' });
    expect(
      workflow(
        TEN_MB,
        { tenant: cyclic() as unknown as string, attributes: { big: TEN_MB, loop: cyclic() as unknown as string } },
        (wf) => {
          wf.decision(u, cyclic() as unknown as string);
          wf.outcome(u as unknown as 'success');
          return 3;
        },
      ),
    ).toBe(3);
    safety.blocked(u as never);
    safety.policyTriggered({ policy: TEN_MB, severity: Number.NaN as never });
    fallback(null as never);
    modelCall(null as never, () => 4);
    workflow('w', null as never, () => 5);

    const spans = await sdk.spans();
    expect(spans.length).toBeGreaterThanOrEqual(6);
    for (const s of spans) {
      expect(s.name.length).toBeLessThan(300);
      for (const value of Object.values(s.attributes)) {
        if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(8192);
      }
    }
    const nanTool = spans.find((s) => s.attributes[GEN_AI_TOOL_NAME] === TEN_MB.slice(0, 256));
    expect(nanTool?.attributes[GEN_AI_TOOL_CALL_ARGUMENTS]).toBe('{"name":"loop","self":"[Circular]"}');
    expect(spans.some((s) => s.attributes[GEN_AI_USAGE_INPUT_TOKENS] !== undefined)).toBe(false);
  });

  it('does not throw from the model-call handle when handed objects whose getters throw', async () => {
    sdk = startTestSdk();
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('getter');
        },
        has: () => {
          throw new Error('has');
        },
      },
    );
    const reasons = new Proxy(['stop'], {
      get: () => {
        throw new Error('getter');
      },
    });
    expect(
      modelCall({ provider: 'p', model: 'm' }, (call) => {
        call.setUsage(hostile);
        call.setResponse(hostile);
        call.setFinishReasons(reasons);
        return 'done';
      }),
    ).toBe('done');
    expect((await sdk.spans()).some((s) => s.name === 'chat m')).toBe(true);
  });

  it('returns undefined instead of throwing when given no function to run', () => {
    sdk = startTestSdk();
    expect(tool('t', {}, undefined as never)).toBeUndefined();
    expect(workflow('w', {}, 42 as never)).toBeUndefined();
    expect(modelCall({ provider: 'p', model: 'm' }, undefined as never)).toBeUndefined();
  });

  it('passes results and errors through untouched: same objects, sync and async', async () => {
    sdk = startTestSdk();
    const result = { id: 1 };
    const err = new Error('mine');
    expect(tool('t', () => result)).toBe(result);
    expect(await tool('t', async () => result)).toBe(result);
    expect(await workflow('w', async () => result)).toBe(result);
    await expect(modelCall({ provider: 'p', model: 'm' }, () => Promise.reject(err))).rejects.toBe(err);
    try {
      workflow('w', () => {
        throw err;
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBe(err);
    }
    // A thrown non-Error is passed through as well.
    await expect(tool('t', () => Promise.reject('just a string'))).rejects.toBe('just a string');
  });

  it('works before start: with no SDK registered the calls just run fn', async () => {
    expect(tool('t', () => 7)).toBe(7);
    expect(await workflow('w', { tenant: 'a' }, async () => 8)).toBe(8);
  });

  it('does not block on a dead collector: calls return at once, and failed exports are counted', async () => {
    const telltale = start({
      endpoint: 'http://127.0.0.1:1',
      metrics: { enabled: false },
      instrumentations: { http: false, express: false, undici: false },
      traces: { scheduledDelayMillis: 10, exportTimeoutMillis: 2000 },
      logLevel: 'none',
    });
    try {
      for (let i = 0; i < 50; i++) tool('t', () => i);
      await telltale.forceFlush();
      const stats = telltale.stats();
      expect(stats.spansExported).toBe(0);
      expect(stats.spansFailed).toBe(50);
      expect(stats.exportsFailed).toBeGreaterThanOrEqual(1);
    } finally {
      await telltale.shutdown();
    }
  });

  it('hands back a revoked proxy, or one whose traps throw, as it was', () => {
    sdk = startTestSdk();
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(tool('t', () => revocable.proxy)).toBe(revocable.proxy);
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(workflow('w', () => hostile)).toBe(hostile);
    expect(modelCall({ provider: 'p', model: 'm' }, () => hostile)).toBe(hostile);
  });

  it('hands back a Proxy around a promise as it was, and ends its span', async () => {
    sdk = startTestSdk();
    // instanceof Promise holds, but Promise.prototype.then refuses the Proxy as its receiver.
    const proxied = new Proxy(Promise.resolve(1), {});
    expect(tool('proxied', () => proxied)).toBe(proxied);
    expect((await sdk.span('execute_tool proxied')).status.code).toBe(2);
  });

  it("runs a thenable's work in the span's context, with its trace and baggage, as an async fn would", async () => {
    sdk = startTestSdk();
    let seen: { spanName: string | undefined; tenant: string | undefined } | undefined;
    const lazy = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
      then(resolve: (v: number) => void) {
        const active = trace.getActiveSpan() as unknown as { name?: string } | undefined;
        seen = {
          spanName: active?.name,
          tenant: propagation.getActiveBaggage()?.getEntry(BAGGAGE_TENANT_ID)?.value,
        };
        resolve(7);
      },
    };
    expect(await workflow('wf', { tenant: 'acme' }, () => tool('query', () => lazy))).toBe(7);
    expect(seen).toEqual({ spanName: 'execute_tool query', tenant: 'acme' });
  });

  it('returns a native promise itself, and a rejection the caller handled elsewhere stays handled', async () => {
    sdk = startTestSdk();
    const p = Promise.resolve(5);
    expect(tool('t', () => p)).toBe(p);
    const rejected = Promise.reject(new Error('handled by the caller'));
    rejected.catch(() => {});
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // The caller ignores what tool returns: that must not be a new, unhandled rejection.
      tool('bg', () => rejected);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    const span = await sdk.span('execute_tool bg');
    expect(span.status.code).toBe(2);
  });

  it('awaits another thenable once, as await would, and passes its value on', async () => {
    sdk = startTestSdk();
    let thens = 0;
    // Like a query builder: every `then` runs the work again.
    const query = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about
      then(resolve: (v: number) => void) {
        thens++;
        resolve(42);
      },
    };
    expect(await tool('q', () => query)).toBe(42);
    expect(thens).toBe(1);
    expect((await sdk.span('execute_tool q')).status.code).not.toBe(2);
  });

  it('ends every span it starts, even when an option getter throws', async () => {
    let started = 0;
    let ended = 0;
    const counting: SpanProcessor = {
      onStart: (_span: Span) => void started++,
      onEnd: () => void ended++,
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    sdk = startTestSdk({ spanProcessors: [counting], content: { capture: true } });
    const throwing = (base: object, key: string): never =>
      Object.defineProperty({ ...base }, key, {
        enumerable: true,
        get() {
          throw new Error(`getter ${key}`);
        },
      }) as never;
    expect(tool('t', throwing({}, 'attributes'), () => 1)).toBe(1);
    expect(tool('t', throwing({}, 'arguments'), () => 2)).toBe(2);
    expect(workflow('w', throwing({}, 'attributes'), () => 3)).toBe(3);
    expect(modelCall(throwing({ provider: 'p', model: 'm' }, 'input'), () => 4)).toBe(4);
    expect(modelCall(throwing({ provider: 'p', model: 'm' }, 'attributes'), () => 5)).toBe(5);
    await sdk.spans();
    expect(ended).toBe(started);
  });
});
