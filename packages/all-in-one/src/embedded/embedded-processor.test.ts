import {
  type AggregateRecord,
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_NAME,
  OPERATION_EXECUTE_TOOL,
  OPERATION_INVOKE_WORKFLOW,
  TELLTALE_TENANT_ID,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
} from '@telltale/conventions';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmbeddedProcessor, startEmbeddedProcessor } from './embedded-processor.ts';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);

/** One workflow trace in OTLP JSON: a successful workflow with one good and one failed tool call. */
function trace(endMs: number) {
  const traceId = 'aa'.repeat(16);
  const span = (id: string, parent: string | undefined, name: string, attrs: unknown[], error = false) => ({
    traceId,
    spanId: id.repeat(8),
    ...(parent ? { parentSpanId: parent.repeat(8) } : {}),
    name,
    kind: 1,
    startTimeUnixNano: ns(endMs - 100),
    endTimeUnixNano: ns(endMs),
    attributes: attrs,
    status: { code: error ? 2 : 1 },
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'svc')] },
        scopeSpans: [
          {
            spans: [
              span('02', '01', 'execute_tool search', [
                str(GEN_AI_OPERATION_NAME, OPERATION_EXECUTE_TOOL),
                str(GEN_AI_TOOL_NAME, 'search'),
              ]),
              span(
                '03',
                '01',
                'execute_tool search',
                [str(GEN_AI_OPERATION_NAME, OPERATION_EXECUTE_TOOL), str(GEN_AI_TOOL_NAME, 'search')],
                true,
              ),
              span('01', undefined, 'invoke_workflow answer', [
                str(GEN_AI_OPERATION_NAME, OPERATION_INVOKE_WORKFLOW),
                str(TELLTALE_WORKFLOW_NAME, 'answer'),
                str(TELLTALE_WORKFLOW_OUTCOME, 'success'),
                str(TELLTALE_TENANT_ID, 'acme'),
              ]),
            ],
          },
        ],
      },
    ],
  };
}

/** An embedded processor on its own port with 5 s windows and 2 s grace, on the clock given, collecting aggregates. */
function startOn(now: () => number, aggregates: AggregateRecord[], tickMs?: number): Promise<RunningEmbeddedProcessor> {
  return startEmbeddedProcessor({
    host: '127.0.0.1',
    port: 0,
    windowMs: 5000,
    graceMs: 2000,
    ...(tickMs === undefined ? {} : { tickMs }),
    now,
    logger: pino({ level: 'silent' }),
    onOutput: (out) => aggregates.push(...out.aggregates),
  });
}

const postJson = (p: RunningEmbeddedProcessor, body: unknown) =>
  fetch(`${p.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the embedded processor', () => {
  let running: RunningEmbeddedProcessor | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('turns spans posted over OTLP/HTTP into aggregates once the wall clock passes window and grace', async () => {
    let clock = 1_000_000;
    const aggregates: AggregateRecord[] = [];
    running = await startOn(() => clock, aggregates, 10);
    const res = await postJson(running, trace(1_000_500));
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(aggregates).toEqual([]);
    clock = 1_000_000 + 5000 + 2000;
    await expect.poll(() => aggregates.length, { timeout: 2000 }).toBeGreaterThan(0);
    const agg = aggregates.find((a) => a.key.workflow === 'answer');
    expect(agg?.key).toEqual({ service: 'svc', workflow: 'answer', tenant: 'acme' });
    expect(agg?.workflows.success).toBe(1);
    const search = aggregates.map((a) => a.tools.search ?? { calls: 0, successes: 0 });
    expect(search.reduce((n, t) => n + t.calls, 0)).toBe(2);
    expect(search.reduce((n, t) => n + t.successes, 0)).toBe(1);
    const exposition = await running.metrics.registry.metrics();
    expect(exposition).toMatch(/^telltale_processor_spans_total 3$/m);
    expect(exposition).toMatch(/^telltale_processor_records_total 1$/m);
  });

  it('delivers what open windows hold when stopped', async () => {
    const aggregates: AggregateRecord[] = [];
    const p = await startOn(() => 2_000_000, aggregates);
    await postJson(p, trace(2_000_000));
    await p.stop();
    expect(aggregates.some((a) => a.workflows.success === 1)).toBe(true);
  });

  it('drops and counts spans ending far ahead of the wall clock, so one skewed client cannot make the rest late', async () => {
    let clock = 1_000_000;
    const aggregates: AggregateRecord[] = [];
    running = await startOn(() => clock, aggregates, 10);
    const p = running;
    const post = (body: unknown) => postJson(p, body);
    const skewed = await post(trace(clock + 10 * 60_000));
    // Told to the sender as a partial success: all three spans of that trace refused, and why.
    expect(skewed.status).toBe(200);
    expect(await skewed.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '3',
        errorMessage: "3 of 3 spans end more than 60 s ahead of the receiver's clock; check the sender's clock",
      },
    });
    expect((await post(trace(clock + 500))).status).toBe(200);
    clock += 5000 + 2000;
    await expect.poll(() => aggregates.length, { timeout: 2000 }).toBeGreaterThan(0);
    expect(aggregates.find((a) => a.key.workflow === 'answer')?.workflows.success).toBe(1);
    const exposition = await running.metrics.registry.metrics();
    expect(exposition).toMatch(/^telltale_processor_invalid_values_total\{field="end_time_future"\} 3$/m);
    expect(exposition).toMatch(/^telltale_processor_late_spans_total 0$/m);
  });

  it('gives each run a shard of its own, so a window continued after a restart adds up instead of repeating an id', async () => {
    const runOnce = async (startedAt: number) => {
      const out: AggregateRecord[] = [];
      const p = await startOn(() => startedAt, out);
      await postJson(p, trace(2_000_500));
      await p.stop();
      return out.find((a) => a.key.workflow === 'answer');
    };
    const before = await runOnce(2_000_000);
    const after = await runOnce(2_000_900);
    expect(before?.window).toEqual(after?.window);
    expect(before?.shard).not.toBe(after?.shard);
    expect(before?.id).not.toBe(after?.id);
  });
});
