import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchMinute } from '../../test/aggregates.ts';
import { startTestServer, type TestServer } from '../notify/testing/http-server.ts';
import { createAlertService, type RunningAlertService } from '../service/create.ts';

const TOKEN = 'test-token-0123456789abcdef';
const RULES = `
rules:
  - name: SearchFailing
    kind: tool_success
    mode: threshold
    threshold: 0.9
    window: 1m
    min_volume: 10
    severity: critical
    group_by: [service, tool]
    annotations:
      summary: '{{ $labels.tool }} at {{ $values.success_ratio | percent }}'
`;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

let dir: string;
let hook: TestServer;
let clock: number;
let running: RunningAlertService | undefined;

async function start(): Promise<RunningAlertService> {
  running = await createAlertService(
    {
      kafka: { enabled: false },
      server: { host: '127.0.0.1', port: 0, token: TOKEN },
      state: { dir: join(dir, 'state') },
      rules: { file: join(dir, 'rules.yaml'), evaluationInterval: '1h' },
      channels: [{ name: 'hook', type: 'webhook', url: `${hook.url}/alerts`, retries: 0 }],
      log: { level: 'silent' },
    },
    { now: () => clock },
  );
  return running;
}

function post(path: string, body: unknown, token: string | null = TOKEN) {
  return fetch(`${running?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** One minute of 10 s windows ending at the clock, `ratio` of 100 search calls succeeding in each. */
const minuteOf = (ratio: number) => searchMinute(clock, ratio);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telltale-alerts-api-'));
  await writeFile(join(dir, 'rules.yaml'), RULES);
  hook = await startTestServer();
  clock = T0;
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await hook.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the HTTP API', () => {
  it('guards state changes with the bearer token: 401 without, 403 when wrong, JSON bodies', async () => {
    await start();
    const none = await post('/api/v1/aggregates', [], null);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toEqual({ error: expect.stringMatching(/bearer/) });
    const wrong = await post('/api/v1/aggregates', [], 'not-the-token-at-all');
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: 'invalid bearer token' });
    expect((await post('/api/v1/evaluate', {}, null)).status).toBe(401);
  });

  it('answers a bad aggregate with 400 and the zod issues, a forged id and bad JSON with 400', async () => {
    await start();
    const [good] = minuteOf(1);
    const bad = await post('/api/v1/aggregates', [good, { ...good, tools: { search: { calls: -1, successes: 0 } } }]);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { issues: { path: (string | number)[] }[] };
    expect(body.issues.some((i) => i.path.join('.') === '1.tools.search.calls')).toBe(true);
    const forged = await post('/api/v1/aggregates', { aggregates: [good, { ...good, id: 'f'.repeat(32) }] });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual([
      'aggregates',
      1,
      'id',
    ]);
    const notJson = await post('/api/v1/aggregates', '{"schema":');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'the body is not valid JSON' });
    // nothing of the rejected batch was applied
    const metrics = await (await fetch(`${running?.url}/metrics`)).text();
    expect(metrics).toMatch(/telltale_alerts_aggregates_total\{outcome="applied"\} 0/);
  });

  it('refuses a batch holding more successes than calls with 400, applying none of it', async () => {
    await start();
    const [good, second] = minuteOf(1);
    const inflated = { ...second, tools: { search: { calls: 1, successes: 5 } } };
    const reply = await post('/api/v1/aggregates', [good, inflated]);
    expect(reply.status).toBe(400);
    const body = (await reply.json()) as { issues: { path: (string | number)[] }[] };
    expect(body.issues[0]?.path).toEqual([1, 'tools', 'search', 'successes']);
    // The good one was not applied either: it applies now.
    expect(await (await post('/api/v1/aggregates', [good])).json()).toMatchObject({ applied: 1 });
  });

  it('ingests aggregates once, alerts to the webhook, shows alerts, rules and metrics, and survives a restart', async () => {
    await start();
    const bad = minuteOf(0.5);
    expect(await (await post('/api/v1/aggregates', bad)).json()).toEqual({
      applied: 6,
      duplicate: 0,
      too_old: 0,
      too_new: 0,
    });
    expect(await (await post('/api/v1/aggregates', { aggregates: bad })).json()).toMatchObject({
      applied: 0,
      duplicate: 6,
    });

    const evaluated = await post('/api/v1/evaluate', {});
    expect(((await evaluated.json()) as { notifications: unknown[] }).notifications).toHaveLength(1);
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]?.body).toMatchObject({
      version: '4',
      status: 'firing',
      alerts: [{ labels: { alertname: 'SearchFailing', tool: 'search', service: 'support' } }],
    });

    const alerts = (await (await fetch(`${running?.url}/api/v1/alerts`)).json()) as {
      alerts: { rule: string; state: string; values: Record<string, number>; annotations: Record<string, string> }[];
    };
    expect(alerts.alerts).toHaveLength(1);
    expect(alerts.alerts[0]).toMatchObject({
      rule: 'SearchFailing',
      state: 'firing',
      values: { success_ratio: 0.5, calls: 600, successes: 300 },
      annotations: { summary: 'search at 50.00%' },
    });
    // the link in the notification leads to the alert
    const payload = hook.requests[0]?.body as { alerts: { generatorURL: string }[] };
    const link = payload.alerts[0]?.generatorURL ?? '';
    expect(link.startsWith(running?.url ?? '')).toBe(true);
    expect(await (await fetch(link)).json()).toMatchObject({ rule: 'SearchFailing', state: 'firing' });
    const rules = (await (await fetch(`${running?.url}/api/v1/rules`)).json()) as {
      rules: { name: string; state: string; health: string; window?: string }[];
    };
    expect(rules.rules).toMatchObject([{ name: 'SearchFailing', state: 'firing', health: 'ok' }]);

    const exposition = await (await fetch(`${running?.url}/metrics`)).text();
    expect(exposition).toContain(
      'telltale_tool_calls_total{service="support",workflow="refund",tool="search",outcome="success"} 300',
    );
    expect(exposition).toContain(
      'telltale_tool_calls_total{service="support",workflow="refund",tool="search",outcome="error"} 300',
    );
    expect(exposition).toContain('telltale_tool_success_ratio{service="support",tool="search"} 0.5');
    expect(exposition).toMatch(
      /telltale_alerts_firing\{alertname="SearchFailing",severity="critical",service="support",tool="search"\} 1/,
    );
    expect(exposition).toMatch(/telltale_alerts_aggregates_total\{outcome="duplicate"\} 6/);
    expect(exposition).toMatch(/telltale_alerts_notification_attempts_total\{channel="hook"\} 1/);

    // restart mid-incident: no second trigger; the replayed aggregates stay duplicates; the resolve goes out
    await running?.stop();
    clock += 10_000;
    await start();
    expect(await (await post('/api/v1/aggregates', bad)).json()).toMatchObject({ applied: 0, duplicate: 6 });
    await post('/api/v1/evaluate', {});
    expect(hook.requests).toHaveLength(1);
    clock += 60_000;
    expect(await (await post('/api/v1/aggregates', minuteOf(1))).json()).toMatchObject({ applied: 6 });
    await post('/api/v1/evaluate', {});
    expect(hook.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved']);
    expect((await (await fetch(`${running?.url}/api/v1/alerts`)).json()) as unknown).toEqual({ alerts: [] });
  });

  it('silences: bearer-guarded, validated, keep a matching alert from paging until deleted', async () => {
    await start();
    const body = {
      matchers: [{ name: 'tool', value: 'search' }],
      duration: '1h',
      createdBy: 'sre@example.com',
      comment: 'vendor maintenance',
    };
    expect((await post('/api/v1/silences', body, null)).status).toBe(401);
    const bad = await post('/api/v1/silences', { ...body, matchers: [{ name: 'tool', value: '(', isRegex: true }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual(['matchers', 0, 'value']);
    // A duration past what a date holds is refused, and nothing is saved that would break the list or a restart.
    for (const duration of ['200000000d', '3000000d']) {
      const endless = await post('/api/v1/silences', { ...body, duration });
      expect(endless.status).toBe(400);
    }
    expect((await fetch(`${running?.url}/api/v1/silences`)).status).toBe(200);
    const created = await post('/api/v1/silences', body);
    expect(created.status).toBe(201);
    const silence = (await created.json()) as { id: string; endsAt: string };
    expect(silence.endsAt).toBe(new Date(T0 + 3_600_000).toISOString());

    await post('/api/v1/aggregates', minuteOf(0.5));
    await post('/api/v1/evaluate', {});
    expect(hook.requests).toHaveLength(0);
    const alerts = (await (await fetch(`${running?.url}/api/v1/alerts`)).json()) as {
      alerts: { silencedBy: string }[];
    };
    expect(alerts.alerts[0]?.silencedBy).toBe(silence.id);

    const del = await fetch(`${running?.url}/api/v1/silences/${silence.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(del.status).toBe(200);
    await post('/api/v1/evaluate', {});
    expect(hook.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing']);
    expect(await (await fetch(`${running?.url}/api/v1/silences`)).json()).toEqual({ silences: [] });
  });

  it('serves /healthz and /readyz, and 404 as JSON', async () => {
    await start();
    expect(await (await fetch(`${running?.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${running?.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const missing = await fetch(`${running?.url}/api/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no route for GET /api/v1/nothing' });
  });
});
