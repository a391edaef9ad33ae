import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pinoMixin, traceContext, workflow } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk;
beforeEach(() => {
  sdk = startTestSdk();
});
afterEach(() => sdk.stop());

describe('log correlation', () => {
  it('puts the active trace and span ids on pino log lines', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = pino({ mixin: pinoMixin }, sink);
    const traceId = workflow('w', (wf) => {
      log.info('inside');
      return wf.traceId;
    });
    log.info('outside');
    const span = await sdk.span('invoke_workflow w');
    expect(lines[0]).toMatchObject({ msg: 'inside', trace_id: traceId, span_id: span.spanContext().spanId });
    expect(traceId).toBe(span.spanContext().traceId);
    expect(lines[1]?.trace_id).toBeUndefined();
  });

  it('returns an empty object outside any span', () => {
    expect(traceContext()).toEqual({});
  });
});
