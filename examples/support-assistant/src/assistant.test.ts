/**
 * The tally is ground truth only if it matches what was emitted: run a
 * workload with a failing tool and compare the tally with the spans.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_TOOL_NAME,
  TELLTALE_COST_USD,
  TELLTALE_SAFETY_EVENT,
  TELLTALE_SAFETY_KIND,
  TELLTALE_TENANT_ID,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
  usdToPico,
} from '@telltale/conventions';
import { start, type Telltale } from '@telltale/instrumentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, WORKFLOW_NAME } from './assistant.ts';
import type { TallySnapshot } from './tally.ts';
import { runWorkload, sendTo } from './workload.ts';

let telltale: Telltale;
const exporter = new InMemorySpanExporter();
let spans: ReadableSpan[] = [];
let tally: TallySnapshot;

beforeAll(async () => {
  telltale = start({
    serviceName: 'support-assistant-test',
    traceExporter: exporter,
    exportMode: 'simple',
    metrics: { enabled: false },
    instrumentations: { http: false, express: false, undici: false },
    logLevel: 'none',
  });
  const assistant = createAssistant({ failingTool: 'search_kb', failureRate: 0.6, overloadRate: 0.3, seed: 3 });
  await runWorkload(sendTo(assistant), { count: 120, seed: 11 });
  await telltale.forceFlush();
  spans = exporter.getFinishedSpans();
  tally = assistant.tally.snapshot();
});
afterAll(() => telltale.shutdown());

const op = (s: ReadableSpan) => s.attributes[GEN_AI_OPERATION_NAME];

describe('support assistant ground truth', () => {
  it('counts workflows by outcome exactly as the workflow spans record them', () => {
    const workflows = spans.filter((s) => op(s) === 'invoke_workflow');
    expect(workflows).toHaveLength(120);
    const byOutcome: Record<string, number> = { success: 0, failure: 0, handoff: 0, abandoned: 0 };
    for (const s of workflows) byOutcome[s.attributes[TELLTALE_WORKFLOW_OUTCOME] as string]!++;
    expect(byOutcome).toEqual(tally.workflows);
    // The workload exercises every outcome.
    for (const n of Object.values(tally.workflows)) expect(n).toBeGreaterThan(0);
  });

  it('counts tool successes and failures per tool as the tool spans record them', () => {
    const counts: Record<string, { success: number; failure: number }> = {};
    for (const s of spans.filter((x) => op(x) === 'execute_tool')) {
      const name = s.attributes[GEN_AI_TOOL_NAME] as string;
      const c = counts[name] ?? { success: 0, failure: 0 };
      counts[name] = c;
      if (s.status.code === SpanStatusCode.ERROR) c.failure++;
      else c.success++;
    }
    expect(counts).toEqual(tally.tools);
    expect(tally.tools.search_kb?.failure).toBeGreaterThan(0);
    expect(tally.tools.lookup_order?.failure ?? 0).toBe(0);
  });

  it('sums cost in picodollars exactly as the model spans carry it', () => {
    let pico = 0n;
    const perModel: Record<string, number> = {};
    for (const s of spans.filter((x) => op(x) === 'chat')) {
      const model = s.attributes[GEN_AI_REQUEST_MODEL] as string;
      perModel[model] = (perModel[model] ?? 0) + 1;
      const cost = s.attributes[TELLTALE_COST_USD];
      if (typeof cost === 'number') pico += usdToPico(cost);
    }
    expect(pico.toString()).toBe(tally.costPico);
    for (const [model, m] of Object.entries(tally.models)) expect(perModel[model]).toBe(m.success + m.failure);
  });

  it('counts safety events by kind as the span events record them', () => {
    const kinds: Record<string, number> = { policy_triggered: 0, blocked: 0, fallback: 0, escalated: 0 };
    for (const s of spans) {
      for (const e of s.events)
        if (e.name === TELLTALE_SAFETY_EVENT) kinds[e.attributes?.[TELLTALE_SAFETY_KIND] as string]!++;
    }
    expect(kinds).toEqual(tally.safety);
    expect(tally.safety.fallback).toBeGreaterThan(0);
  });

  it('puts tenant and workflow name on every model and tool span', () => {
    for (const s of spans.filter((x) => op(x) === 'chat' || op(x) === 'execute_tool')) {
      expect(s.attributes[TELLTALE_WORKFLOW_NAME]).toBe(WORKFLOW_NAME);
      expect(['acme', 'globex', 'initech']).toContain(s.attributes[TELLTALE_TENANT_ID]);
    }
  });
});
