import { DataPointType, type SumMetricData } from '@opentelemetry/sdk-metrics';
import {
  TELLTALE_FALLBACK_FROM,
  TELLTALE_FALLBACK_REASON,
  TELLTALE_FALLBACK_TO,
  TELLTALE_SAFETY_ACTION,
  TELLTALE_SAFETY_EVENT,
  TELLTALE_SAFETY_KIND,
  TELLTALE_SAFETY_POLICY,
  TELLTALE_SAFETY_SEVERITY,
} from '@telltale/conventions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fallback, METRIC_SAFETY_EVENTS, safety, workflow } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk;
beforeEach(() => {
  sdk = startTestSdk();
});
afterEach(() => sdk.stop());

describe('safety', () => {
  it('records each kind as a telltale.safety event on the current span', async () => {
    workflow('chat', () => {
      safety.policyTriggered({ policy: 'pii', action: 'redact', severity: 'info' });
      safety.blocked({ policy: 'refund_limit', severity: 'error' });
      safety.escalated({ policy: 'angry_customer' });
      fallback({ from: 'gpt-4o', to: 'gpt-4o-mini', reason: 'timeout' });
    });
    const events = (await sdk.span('invoke_workflow chat')).events.filter((e) => e.name === TELLTALE_SAFETY_EVENT);
    expect(events.map((e) => e.attributes)).toEqual([
      {
        [TELLTALE_SAFETY_KIND]: 'policy_triggered',
        [TELLTALE_SAFETY_POLICY]: 'pii',
        [TELLTALE_SAFETY_ACTION]: 'redact',
        [TELLTALE_SAFETY_SEVERITY]: 'info',
      },
      {
        [TELLTALE_SAFETY_KIND]: 'blocked',
        [TELLTALE_SAFETY_POLICY]: 'refund_limit',
        [TELLTALE_SAFETY_ACTION]: 'block',
        [TELLTALE_SAFETY_SEVERITY]: 'error',
      },
      {
        [TELLTALE_SAFETY_KIND]: 'escalated',
        [TELLTALE_SAFETY_POLICY]: 'angry_customer',
        [TELLTALE_SAFETY_ACTION]: 'escalate',
        [TELLTALE_SAFETY_SEVERITY]: 'warning',
      },
      {
        [TELLTALE_SAFETY_KIND]: 'fallback',
        [TELLTALE_SAFETY_POLICY]: 'fallback',
        [TELLTALE_SAFETY_ACTION]: 'fallback',
        [TELLTALE_SAFETY_SEVERITY]: 'warning',
        [TELLTALE_FALLBACK_FROM]: 'gpt-4o',
        [TELLTALE_FALLBACK_TO]: 'gpt-4o-mini',
        [TELLTALE_FALLBACK_REASON]: 'timeout',
      },
    ]);
  });

  it('gives an event recorded outside any span a span of its own', async () => {
    safety.blocked({ policy: 'jailbreak' });
    const span = await sdk.span('telltale.safety blocked');
    expect(span.events[0]?.attributes?.[TELLTALE_SAFETY_POLICY]).toBe('jailbreak');
  });

  it('counts safety events by kind, policy and severity', async () => {
    safety.blocked({ policy: 'pii' });
    safety.blocked({ policy: 'pii' });
    fallback({ from: 'a', to: 'b', reason: 'r' });
    await sdk.collectMetrics();
    const metric = sdk.metric(METRIC_SAFETY_EVENTS) as SumMetricData;
    expect(metric.dataPointType).toBe(DataPointType.SUM);
    const counts = Object.fromEntries(metric.dataPoints.map((p) => [p.attributes[TELLTALE_SAFETY_KIND], p.value]));
    expect(counts).toEqual({ blocked: 2, fallback: 1 });
  });

  it('replaces a severity outside the vocabulary with warning', async () => {
    workflow('w', () => safety.policyTriggered({ policy: 'p', severity: 'apocalyptic' as 'info' }));
    const event = (await sdk.span('invoke_workflow w')).events[0];
    expect(event?.attributes?.[TELLTALE_SAFETY_SEVERITY]).toBe('warning');
  });
});
