import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AggregateRecord } from '@telltale/conventions';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, kafkaBrokers, uniqueTopic, waitUntil } from '../../../test/infra/index.ts';
import { startTestServer, type TestServer } from '../src/notify/testing/http-server.ts';
import { createAlertService, type RunningAlertService } from '../src/service/create.ts';
import { aggregate } from './aggregates.ts';

const RULES = `
rules:
  - name: WebSearchFailing
    kind: tool_success
    mode: threshold
    threshold: 0.9
    window: 30s
    min_volume: 50
    severity: critical
    group_by: [service, tool]
    match: { tools: [web_search] }
    annotations:
      summary: 'web_search at {{ $values.success_ratio | percent }}'
`;

/** `count` 10 s windows from `fromMs`, one partial aggregate per shard (replica) each. */
function windowsOf(fromMs: number, count: number, successes: number): AggregateRecord[] {
  const out: AggregateRecord[] = [];
  for (let i = 0; i < count; i++)
    for (const shard of ['otlp_spans/0', 'otlp_spans/1'])
      out.push(aggregate({ shard, startMs: fromMs + i * 10_000, tools: { web_search: { calls: 50, successes } } }));
  return out;
}

async function metricValue(url: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('against a real Kafka broker', () => {
  const brokers = kafkaBrokers();
  const topic = uniqueTopic('telltale.aggregates');
  let dir: string;
  let hook: TestServer;
  let producer: Producer;
  let service: RunningAlertService | undefined;

  const start = (groupId: string) =>
    createAlertService({
      kafka: { brokers, topic, groupId, clientId: 'alerts-it' },
      server: { host: '127.0.0.1', port: 0 },
      state: { dir: join(dir, 'state') },
      rules: { file: join(dir, 'rules.yaml'), evaluationInterval: '1s' },
      channels: [{ name: 'hook', type: 'webhook', url: `${hook.url}/hook`, retries: 2 }],
      log: { level: 'warn' },
    });

  const send = (records: AggregateRecord[], extra: string[] = []) =>
    producer.send({
      topic,
      messages: [
        ...records.map((r) => ({ key: r.id, value: JSON.stringify(r), partition: r.shard.endsWith('0') ? 0 : 1 })),
        ...extra.map((value) => ({ value, partition: 0 })),
      ],
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-alerts-kafka-'));
    await writeFile(join(dir, 'rules.yaml'), RULES);
    await createTopics(brokers, [{ topic, numPartitions: 2 }]);
    hook = await startTestServer();
    producer = new Kafka({ clientId: 'alerts-it-producer', brokers, logLevel: logLevel.ERROR }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await service?.stop();
    await producer?.disconnect();
    await hook?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('aggregates on the topic show up in /metrics once, drive an alert to the webhook, and a replay changes nothing', async () => {
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    // 30 s of web_search at 40% from two replicas, every record sent twice, and two bad records
    const bad = windowsOf(now - 30_000, 3, 20);
    await send([...bad, ...bad], ['not json', JSON.stringify({ schema: 'telltale.aggregate.v1', id: 'x' })]);

    service = await start(`alerts-${randomUUID()}`);
    const url = service.url;
    await waitUntil(async () => (await metricValue(url, 'telltale_alerts_aggregates_total{outcome="invalid"}')) === 2, {
      what: 'the service consuming the topic',
      timeoutMs: 60_000,
    });
    await waitUntil(
      async () => (await metricValue(url, 'telltale_alerts_aggregates_total{outcome="duplicate"}')) === 6,
      { what: 'the duplicates consumed', timeoutMs: 30_000 },
    );
    expect(await metricValue(url, 'telltale_alerts_aggregates_total{outcome="applied"}')).toBe(6);
    const calls = 'telltale_tool_calls_total{service="support",workflow="refund",tool="web_search"';
    expect(await metricValue(url, `${calls},outcome="success"}`)).toBe(6 * 20);
    expect(await metricValue(url, `${calls},outcome="error"}`)).toBe(6 * 30);

    await waitUntil(async () => hook.requests.length > 0, {
      what: 'the webhook receiving the alert',
      timeoutMs: 30_000,
    });
    expect(hook.requests[0]?.body).toMatchObject({
      version: '4',
      status: 'firing',
      commonLabels: { alertname: 'WebSearchFailing', tool: 'web_search', severity: 'critical' },
    });
    // two more evaluations: still one trigger
    const evaluatedAt = await metricValue(url, 'telltale_alerts_last_evaluation_timestamp_seconds');
    await waitUntil(
      async () =>
        ((await metricValue(url, 'telltale_alerts_last_evaluation_timestamp_seconds')) ?? 0) >= (evaluatedAt ?? 0) + 2,
      { what: 'two more evaluations', timeoutMs: 30_000 },
    );
    expect(hook.requests).toHaveLength(1);

    // restart with a new consumer group: the whole topic is replayed, every aggregate is a duplicate,
    // and the incident already paged is not paged again
    await service.stop();
    service = await start(`alerts-${randomUUID()}`);
    const url2 = service.url;
    await waitUntil(
      async () => (await metricValue(url2, 'telltale_alerts_aggregates_total{outcome="duplicate"}')) === 12,
      { what: 'the replay consumed', timeoutMs: 60_000 },
    );
    expect(await metricValue(url2, 'telltale_alerts_aggregates_total{outcome="applied"}')).toBe(0);
    const alerts = (await (await fetch(`${url2}/api/v1/alerts`)).json()) as { alerts: { state: string }[] };
    expect(alerts.alerts.map((a) => a.state)).toEqual(['firing']);

    // recovery: healthy windows from now on; once the bad ones leave the 30 s window, the resolve goes out
    await send(windowsOf(Math.floor(Date.now() / 10_000) * 10_000 - 10_000, 12, 50));
    await waitUntil(async () => hook.requests.length >= 2, { what: 'the resolve at the webhook', timeoutMs: 90_000 });
    expect(hook.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved']);
  });
});
