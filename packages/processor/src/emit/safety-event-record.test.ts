import { safetyEventRecordSchema } from '@telltale/conventions';
import { describe, expect, it } from 'vitest';
import { modelSpan, safetyEvent, span } from '../../test/spans.ts';
import { safetyEventRecord } from './safety-event-record.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';

function records() {
  return [
    // A fallback with every version present; the model is the response model.
    safetyEventRecord(
      modelSpan({
        traceId,
        spanId,
        endTimeMs: 1_700_000_000_123,
        serviceVersion: '1.4.2',
        promptVersion: 'p7',
        policyVersion: 'pol-3',
        retrievalConfigVersion: 'rc-2',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
      }),
      safetyEvent({ timeUnixNano: '1700000000100999999' }),
      'fallback',
      'warning',
    ),
    // No event time ('0'): the span's end; only some versions; the request model.
    safetyEventRecord(
      modelSpan({ traceId, spanId, endTimeMs: 1_700_000_000_123.75, policyVersion: 'pol-3' }),
      safetyEvent({ timeUnixNano: '0', kind: 'blocked', policy: 'pii', action: 'blocked', severity: 'error' }),
      'blocked',
      'error',
    ),
    // An event time that is not a number, on a span with no model and no versions.
    safetyEventRecord(
      span({ traceId, spanId, endTimeMs: 5, workflow: 'wf', tenant: 'quo"te' }),
      safetyEvent({ timeUnixNano: 'soon', kind: 'escalated', policy: 'human', action: 'paged' }),
      'escalated',
      'critical',
    ),
    // Near the end of the 64-bit nanosecond range.
    safetyEventRecord(
      span({ traceId, spanId, serviceVersion: '2' }),
      safetyEvent({ timeUnixNano: '9223372036854775807', kind: 'policy_triggered', policy: 'tone' }),
      'policy_triggered',
      'info',
    ),
  ];
}

describe('safety event records', () => {
  it('serialize to exactly these bytes: ids, key order, times and versions included', () => {
    const out = records();
    for (const r of out) safetyEventRecordSchema.parse(r);
    expect(JSON.stringify(out, null, 1)).toBe(EXPECTED);
  });

  it('take whole milliseconds of any digit string as the event time, short or with leading zeros', () => {
    // Expected values as the bigint division wrote them, before the milliseconds came from the digits.
    const at = (timeUnixNano: string) => {
      const r = safetyEventRecord(
        span({ traceId, spanId }),
        safetyEvent({ timeUnixNano, policy: 'pii' }),
        'blocked',
        'error',
      );
      return [r.timeUnixNano, r.time, r.id];
    };
    expect(at('999999')).toEqual(['999999', '1970-01-01T00:00:00.000Z', 'ca335612075d44dc01ccfa79a5550114']);
    expect(at('0001700000000000999999')).toEqual([
      '0001700000000000999999',
      '2023-11-14T22:13:20.000Z',
      '7e094a1d2a09417fc2d7c57454d812d7',
    ]);
  });
});

// The JSON text as written before emission was tuned for speed; raw, so JSON's escapes read as they are.
const EXPECTED = String.raw`[
 {
  "schema": "telltale.safety-event.v1",
  "id": "e7fbbd84e70340c0b52c49446c6ddcac",
  "timeUnixNano": "1700000000100999999",
  "time": "2023-11-14T22:13:20.100Z",
  "traceId": "0af7651916cd43dd8448eb211c80319c",
  "spanId": "b7ad6b7169203331",
  "service": "svc",
  "workflow": "answer",
  "tenant": "t1",
  "kind": "fallback",
  "policy": "model-down",
  "action": "switched",
  "severity": "warning",
  "versions": {
   "prompt": "p7",
   "policy": "pol-3",
   "retrievalConfig": "rc-2",
   "model": "gpt-4o-2024-08-06",
   "release": "1.4.2"
  },
  "fallback": {
   "from": "gpt-4o",
   "to": "gpt-4o-mini",
   "reason": "timeout"
  }
 },
 {
  "schema": "telltale.safety-event.v1",
  "id": "a4fc9316d45df1deab8599187e118fe7",
  "timeUnixNano": "1700000000123000000",
  "time": "2023-11-14T22:13:20.123Z",
  "traceId": "0af7651916cd43dd8448eb211c80319c",
  "spanId": "b7ad6b7169203331",
  "service": "svc",
  "workflow": "answer",
  "tenant": "t1",
  "kind": "blocked",
  "policy": "pii",
  "action": "blocked",
  "severity": "error",
  "versions": {
   "policy": "pol-3",
   "model": "gpt-4o-mini"
  }
 },
 {
  "schema": "telltale.safety-event.v1",
  "id": "442472add363bf8bc5c11c64e7cd0f34",
  "timeUnixNano": "5000000",
  "time": "1970-01-01T00:00:00.005Z",
  "traceId": "0af7651916cd43dd8448eb211c80319c",
  "spanId": "b7ad6b7169203331",
  "service": "svc",
  "workflow": "wf",
  "tenant": "quo\"te",
  "kind": "escalated",
  "policy": "human",
  "action": "paged",
  "severity": "critical",
  "versions": {}
 },
 {
  "schema": "telltale.safety-event.v1",
  "id": "193c0cb849dae8414de2c6fd5f8b26ac",
  "timeUnixNano": "9223372036854775807",
  "time": "2262-04-11T23:47:16.854Z",
  "traceId": "0af7651916cd43dd8448eb211c80319c",
  "spanId": "b7ad6b7169203331",
  "service": "svc",
  "workflow": "",
  "tenant": "",
  "kind": "policy_triggered",
  "policy": "tone",
  "action": "switched",
  "severity": "info",
  "versions": {
   "release": "2"
  }
 }
]`;
