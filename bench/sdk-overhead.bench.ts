/**
 * sdk-overhead: what one `tool(...)` plus one `modelCall(...)` costs with
 * telltale, against a bare OTel `startActiveSpan` pair that records the same
 * attributes by hand. Same process, same tracer provider, same span
 * processors and the same no-op exporter; metrics off for both (no meter
 * provider), so the figure is the span path alone.
 */
import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { modelCall, start, tool } from '@telltale/instrumentation';
import { nsPerCall, runBenchmark } from './harness.ts';

const noopExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

const telltale = start({
  serviceName: 'bench',
  traceExporter: noopExporter,
  metrics: { enabled: false },
  instrumentations: { http: false, express: false, undici: false },
  traces: { maxQueueSize: 8192, maxExportBatchSize: 512 },
  logLevel: 'none',
});
const tracer = trace.getTracer('bench-anchor');

const response = {
  id: 'chatcmpl-1',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }],
  usage: { prompt_tokens: 120, completion_tokens: 30 },
};
const toolFn = () => 1;
const modelFn = () => response;
const ITERATIONS = 200_000;

function telltaleCalls(): void {
  tool('lookup_order', toolFn);
  modelCall({ provider: 'openai', model: 'gpt-4o' }, modelFn);
}

// The same spans by hand: what a careful engineer writes without telltale.
function bareCalls(): void {
  tracer.startActiveSpan(
    'execute_tool lookup_order',
    {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup_order',
        'telltale.tool.attempt': 1,
      },
    },
    (span: Span) => {
      try {
        const r = toolFn();
        span.end();
        return r;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      }
    },
  );
  tracer.startActiveSpan(
    'chat gpt-4o',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
      },
    },
    (span: Span) => {
      try {
        const r = modelFn();
        span.setAttribute('gen_ai.usage.input_tokens', r.usage.prompt_tokens);
        span.setAttribute('gen_ai.usage.output_tokens', r.usage.completion_tokens);
        span.setAttribute('gen_ai.response.model', r.model);
        span.setAttribute('gen_ai.response.id', r.id);
        span.setAttribute(
          'gen_ai.response.finish_reasons',
          r.choices.map((c) => c.finish_reason),
        );
        span.end();
        return r;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      }
    },
  );
}

await runBenchmark({
  name: 'sdk-overhead',
  unit: 'ns/call',
  anchor: 'bare OTel startActiveSpan, same attributes',
  runs: 7,
  warmup: 2,
  value: () => nsPerCall(ITERATIONS, telltaleCalls),
  anchorValue: () => nsPerCall(ITERATIONS, bareCalls),
});
await telltale.shutdown();
