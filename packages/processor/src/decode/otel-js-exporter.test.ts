import { describe, expect, it } from 'vitest';
import { expectedOtelJsSpans } from '../../test/fixtures/otel-js-expected.ts';
import { emitWithOtelJs } from '../../test/fixtures/otel-js-traces.ts';
import type { Span } from '../span.ts';
import { startOtlpHttpReceiver } from '../transport/http/receiver.ts';

/**
 * The real OpenTelemetry JS SDK and OTLP exporters (protobuf and JSON, plain
 * and gzip) send a trace to the embedded receiver; the decoded spans must be
 * exactly what the SDK was told to record.
 */
describe('payloads from the OpenTelemetry JS OTLP exporters', () => {
  for (const encoding of ['proto', 'json'] as const) {
    for (const compression of ['none', 'gzip'] as const) {
      it(`decodes what the ${encoding} exporter sends with compression ${compression}`, async () => {
        const received: Span[] = [];
        const statuses: string[] = [];
        const receiver = await startOtlpHttpReceiver({
          port: 0,
          sink: (spans) => {
            received.push(...spans);
          },
          onOutcome: (o) => statuses.push(`${o.status}`),
        });
        try {
          const ids = await emitWithOtelJs(`${receiver.url}/v1/traces`, encoding, compression);
          expect(statuses.every((s) => s === '200')).toBe(true);
          expect(received).toEqual(expectedOtelJsSpans(ids));
        } finally {
          await receiver.close();
        }
      });
    }
  }
});
