import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_TOOL_NAME,
  OPERATION_EXECUTE_TOOL,
  OPERATION_INVOKE_WORKFLOW,
  TELLTALE_WORKFLOW_NAME,
  TELLTALE_WORKFLOW_OUTCOME,
} from '@telltale/conventions';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAllInOne, startAllInOne } from './all-in-one.ts';
import { parseOptions } from './options.ts';
import { type WebhookPayload, webhookPayloadSchema } from './pager-log/webhook-payload.ts';

const RULES = fileURLToPath(new URL('../test/fast-rules.yaml', import.meta.url));
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One trace: a workflow with one failed call of `tool`, ending now. */
function failingTrace(n: number, tool: string) {
  const traceId = n.toString(16).padStart(32, '0');
  const end = BigInt(Date.now()) * 1_000_000n;
  const span = (id: string, parent: string | undefined, attrs: unknown[], error: boolean) => ({
    traceId,
    spanId: id.padStart(16, '0'),
    ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
    name: 'span',
    kind: 1,
    startTimeUnixNano: String(end - 1_000_000n),
    endTimeUnixNano: String(end),
    attributes: attrs,
    status: { code: error ? 2 : 1 },
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'my-service')] },
        scopeSpans: [
          {
            spans: [
              span('2', '1', [str(GEN_AI_OPERATION_NAME, OPERATION_EXECUTE_TOOL), str(GEN_AI_TOOL_NAME, tool)], true),
              span(
                '1',
                undefined,
                [
                  str(GEN_AI_OPERATION_NAME, OPERATION_INVOKE_WORKFLOW),
                  str(TELLTALE_WORKFLOW_NAME, 'answer'),
                  str(TELLTALE_WORKFLOW_OUTCOME, 'failure'),
                ],
                true,
              ),
            ],
          },
        ],
      },
    ],
  };
}

describe('the all-in-one without its demo: a single-node telltale', () => {
  let app: RunningAllInOne;
  let webhook: Server;
  let stateDir: string;
  const pages: WebhookPayload[] = [];

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        pages.push(webhookPayloadSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    stateDir = await mkdtemp(join(tmpdir(), 'telltale-aio-test-'));
    const options = parseOptions({
      demo: false,
      otlpPort: 0,
      port: 0,
      rules: RULES,
      windowMs: 1000,
      graceMs: 500,
      evaluationIntervalMs: 200,
      stateDir,
      console: false,
      webhookUrl: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`,
      logLevel: 'silent',
    });
    app = await startAllInOne(options, pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await app?.stop();
    await new Promise((r) => webhook?.close(r));
    await rm(stateDir, { recursive: true, force: true });
  });

  it('accepts OTLP/HTTP from any service and pages the webhook it was pointed at', async () => {
    for (let i = 1; i <= 3; i++) {
      const res = await fetch(`${app.otlpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(failingTrace(i, 'search')),
      });
      expect(res.status).toBe(200);
    }
    await expect.poll(() => pages.length, { timeout: 15_000, interval: 100 }).toBeGreaterThan(0);
    const alert = pages[0]?.alerts[0];
    expect(alert?.status).toBe('firing');
    expect(alert?.labels).toMatchObject({ alertname: 'ToolFailing', tool: 'search', service: 'my-service' });
  });

  it('serves the processor and alert service metrics on one /metrics, and the alerts API', async () => {
    const metrics = await (await fetch(app.metricsUrl)).text();
    expect(metrics).toMatch(/^telltale_processor_spans_total 6$/m);
    expect(metrics).toMatch(/^telltale_tool_calls_total\{[^}]*tool="search",outcome="error"\} 3$/m);
    const alerts = await (await fetch(`${app.apiUrl}/alerts`)).json();
    expect(JSON.stringify(alerts)).toContain('ToolFailing');
  });
});
