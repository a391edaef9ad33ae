import { propagation, SpanStatusCode } from '@opentelemetry/api';
import {
  BAGGAGE_TENANT_ID,
  BAGGAGE_WORKFLOW_NAME,
  ERROR_TYPE,
  GEN_AI_OPERATION_NAME,
  TELLTALE_DECISION_EVENT,
  TELLTALE_DECISION_NAME,
  TELLTALE_DECISION_VALUE,
  TELLTALE_TENANT_ID,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
} from '@telltale/conventions';
import { afterEach, describe, expect, it } from 'vitest';
import { modelCall, tool, workflow } from '../src/index.ts';
import { startTestSdk, type TestSdk } from './harness.ts';

let sdk: TestSdk;
afterEach(() => sdk.stop());

describe('workflow', () => {
  it('opens an invoke_workflow span that ends as success by default', async () => {
    sdk = startTestSdk();
    const value = await workflow('refund_request', { tenant: 'acme' }, async () => 'done');
    expect(value).toBe('done');
    const span = await sdk.span('invoke_workflow refund_request');
    expect(span.attributes).toMatchObject({
      [GEN_AI_OPERATION_NAME]: 'invoke_workflow',
      [TELLTALE_WORKFLOW_NAME]: 'refund_request',
      [TELLTALE_TENANT_ID]: 'acme',
      [TELLTALE_WORKFLOW_OUTCOME]: 'success',
    });
  });

  it('records the outcome and decisions the handle was given', async () => {
    sdk = startTestSdk();
    await workflow('triage', { tenant: 'globex' }, async (wf) => {
      wf.decision('route', 'human');
      wf.outcome('handoff');
    });
    const span = await sdk.span('invoke_workflow triage');
    expect(span.attributes[TELLTALE_WORKFLOW_OUTCOME]).toBe('handoff');
    const decision = span.events.find((e) => e.name === TELLTALE_DECISION_EVENT);
    expect(decision?.attributes).toEqual({ [TELLTALE_DECISION_NAME]: 'route', [TELLTALE_DECISION_VALUE]: 'human' });
  });

  it('ends as failure with the exception when fn throws, and rethrows the same error', async () => {
    sdk = startTestSdk();
    const err = new TypeError('boom');
    const caught = await workflow('triage', async (wf) => {
      wf.outcome('success');
      throw err;
    }).catch((e: unknown) => e);
    expect(caught).toBe(err);
    const span = await sdk.span('invoke_workflow triage');
    expect(span.attributes[TELLTALE_WORKFLOW_OUTCOME]).toBe('failure');
    expect(span.attributes[ERROR_TYPE]).toBe('TypeError');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('uses the configured default outcome when fn returns without one', async () => {
    sdk = startTestSdk({ defaultWorkflowOutcome: 'abandoned' });
    workflow('browse', () => 1);
    expect((await sdk.span('invoke_workflow browse')).attributes[TELLTALE_WORKFLOW_OUTCOME]).toBe('abandoned');
  });

  it('ignores an outcome outside the vocabulary and warns once', async () => {
    sdk = startTestSdk();
    workflow('w', (wf) => {
      wf.outcome('exploded' as 'success');
    });
    expect((await sdk.span('invoke_workflow w')).attributes[TELLTALE_WORKFLOW_OUTCOME]).toBe('success');
    expect(sdk.warnings.filter((w) => w.includes('outcome()'))).toHaveLength(1);
  });

  it('puts tenant and workflow name in baggage and copies them onto model and tool spans inside', async () => {
    sdk = startTestSdk();
    let seen: Record<string, string | undefined> = {};
    await workflow('order_status', { tenant: 'initech' }, async () => {
      const bag = propagation.getActiveBaggage();
      seen = {
        tenant: bag?.getEntry(BAGGAGE_TENANT_ID)?.value,
        workflow: bag?.getEntry(BAGGAGE_WORKFLOW_NAME)?.value,
      };
      await modelCall({ provider: 'openai', model: 'gpt-4o' }, async () => ({}));
      await tool('lookup_order', async () => 1);
    });
    expect(seen).toEqual({ tenant: 'initech', workflow: 'order_status' });
    for (const name of ['chat gpt-4o', 'execute_tool lookup_order']) {
      const span = await sdk.span(name);
      expect(span.attributes[TELLTALE_TENANT_ID]).toBe('initech');
      expect(span.attributes[TELLTALE_WORKFLOW_NAME]).toBe('order_status');
    }
  });

  it('lets a nested workflow keep the outer tenant and name its own workflow', async () => {
    sdk = startTestSdk();
    await workflow('outer', { tenant: 't1' }, () => workflow('inner', () => tool('x', () => 1)));
    const span = await sdk.span('execute_tool x');
    expect(span.attributes[TELLTALE_TENANT_ID]).toBe('t1');
    expect(span.attributes[TELLTALE_WORKFLOW_NAME]).toBe('inner');
    expect((await sdk.span('invoke_workflow inner')).attributes[TELLTALE_TENANT_ID]).toBe('t1');
  });
});
