import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AggregateRecord } from '@telltale/conventions';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTopics,
  freePort,
  httpReady,
  kafkaBrokers,
  type ManagedProcess,
  requireCommand,
  startProcess,
  uniqueTopic,
  waitUntil,
} from '../../../test/infra/index.ts';
import { aggregate } from './aggregates.ts';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const RULES = `
rules:
  - name: LookupFailing
    kind: tool_success
    mode: threshold
    threshold: 0.9
    window: 1h
    min_volume: 10
    keep_firing_for: 1h
    severity: error
`;

async function metric(url: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function alerts(url: string): Promise<{ state: string; values: Record<string, number> }[]> {
  return (
    (await (await fetch(`${url}/api/v1/alerts`)).json()) as {
      alerts: { state: string; values: Record<string, number> }[];
    }
  ).alerts;
}

describe('the telltale-alerts CLI as a process', () => {
  const brokers = kafkaBrokers();
  const topic = uniqueTopic('telltale.aggregates');
  const group = `alerts-cli-${randomUUID()}`;
  let dir: string;
  let producer: Producer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-alerts-cli-'));
    await writeFile(join(dir, 'rules.yaml'), RULES);
    await createTopics(brokers, [{ topic, numPartitions: 1 }]);
    producer = new Kafka({ clientId: 'alerts-cli-producer', brokers, logLevel: logLevel.ERROR }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<{ proc: ManagedProcess; url: string }> => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await startProcess({
      name: 'telltale-alerts',
      command: process.execPath,
      args: [CLI, 'run'],
      env: {
        TELLTALE_ALERTS_KAFKA_BROKERS: brokers.join(','),
        TELLTALE_ALERTS_KAFKA_TOPIC: topic,
        TELLTALE_ALERTS_KAFKA_GROUP_ID: group,
        // the broker's minimum: a SIGKILLed member leaves the group sooner
        TELLTALE_ALERTS_KAFKA_SESSION_TIMEOUT: '6s',
        TELLTALE_ALERTS_HOST: '127.0.0.1',
        TELLTALE_ALERTS_PORT: String(port),
        TELLTALE_ALERTS_STATE_DIR: join(dir, 'state'),
        TELLTALE_ALERTS_RULES_FILE: join(dir, 'rules.yaml'),
        TELLTALE_ALERTS_EVALUATION_INTERVAL: '1s',
        TELLTALE_ALERTS_LOG_LEVEL: 'info',
      },
      ready: () => httpReady(`${url}/readyz`),
    });
    return { proc, url };
  };

  const produce = (records: AggregateRecord[]) =>
    producer.send({ topic, messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });

  it('refuses a bad config with the field and exits 2', async () => {
    const proc = await startProcess({
      name: 'telltale-alerts-bad-config',
      command: process.execPath,
      args: [CLI],
      env: { TELLTALE_ALERTS_PORT: 'ninety', TELLTALE_ALERTS_STATE_DIR: join(dir, 'unused') },
    });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/invalid config at server\.port: .*\(from TELLTALE_ALERTS_PORT\)/);
  });

  it('refuses a bad rule file at start with the rule and field, on stderr, and exits 2', async () => {
    const bad = join(dir, 'bad-rules.yaml');
    await writeFile(bad, RULES.replace('threshold: 0.9', 'threshold: 1.5'));
    const proc = await startProcess({
      name: 'telltale-alerts-bad-rules',
      command: process.execPath,
      args: [CLI, 'run'],
      env: { TELLTALE_ALERTS_RULES_FILE: bad, TELLTALE_ALERTS_STATE_DIR: join(dir, 'unused') },
    });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(
      /^telltale-alerts: invalid rule file .*bad-rules\.yaml: rules\[0\] \(LookupFailing\) at threshold: /m,
    );
  });

  it('export-rules writes Prometheus rules from the rule file that promtool accepts', async () => {
    const out = join(dir, 'exported.rules.yml');
    const proc = await startProcess({
      name: 'telltale-alerts-export',
      command: process.execPath,
      args: [CLI, 'export-rules', '--rules', join(dir, 'rules.yaml'), '--out', out, '--interval', '30s'],
      env: { TELLTALE_ALERTS_STATE_DIR: join(dir, 'unused') },
    });
    expect(await proc.exited).toBe(0);
    const check = spawnSync(requireCommand('promtool', 'apt-get install prometheus'), ['check', 'rules', out], {
      encoding: 'utf8',
    });
    expect(check.stdout).toMatch(/SUCCESS/);
    expect(check.status).toBe(0);
    expect(await readFile(out, 'utf8')).toMatch(/alert: LookupFailing/);
  });

  it('stops gracefully on SIGTERM and, killed or stopped, counts every aggregate once after a restart', async () => {
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    const first = Array.from({ length: 30 }, (_, i) =>
      aggregate({ startMs: now - 300_000 + i * 10_000, tools: { lookup: { calls: 10, successes: 5 } } }),
    );
    await produce(first);
    let { proc, url } = await start();
    await waitUntil(async () => (await metric(url, 'telltale_alerts_aggregates_total{outcome="applied"}')) === 30, {
      what: 'the CLI consuming the topic',
      timeoutMs: 60_000,
    });
    await waitUntil(async () => (await alerts(url)).length === 1, { what: 'the alert firing', timeoutMs: 30_000 });

    // SIGTERM: exit 0, the store compacted to its snapshot, the alert state written
    await proc.stop('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
    expect(existsSync(join(dir, 'state', 'store.json'))).toBe(true);
    expect(existsSync(join(dir, 'state', 'alert-state.json'))).toBe(true);

    // more data, then a crash (SIGKILL) right after it was consumed
    const second = Array.from({ length: 10 }, (_, i) =>
      aggregate({
        shard: 'otlp_spans/1',
        startMs: now - 100_000 + i * 10_000,
        tools: { lookup: { calls: 10, successes: 5 } },
      }),
    );
    ({ proc, url } = await start());
    expect((await alerts(url)).map((a) => a.state)).toEqual(['firing']);
    await produce(second);
    await waitUntil(async () => (await metric(url, 'telltale_alerts_aggregates_total{outcome="applied"}')) === 10, {
      what: 'the second batch consumed',
      timeoutMs: 30_000,
    });
    proc.kill();
    await proc.exited;

    // the restarted process replays whatever was not committed: duplicates; the sums are exact
    ({ proc, url } = await start());
    await produce(first.slice(0, 5)); // and a producer retry of old records
    await waitUntil(
      async () => ((await metric(url, 'telltale_alerts_aggregates_total{outcome="duplicate"}')) ?? 0) >= 5,
      {
        what: 'the replayed records counted as duplicates',
        timeoutMs: 30_000,
      },
    );
    expect(await metric(url, 'telltale_alerts_aggregates_total{outcome="applied"}')).toBe(0);
    expect(await metric(url, 'telltale_alerts_store_applied_ids')).toBe(40);
    await waitUntil(async () => (await alerts(url))[0]?.values.calls === 400, {
      what: 'the alert reading the exact sums',
      timeoutMs: 30_000,
    });
    await proc.stop('SIGTERM');
    expect(await proc.exited).toBe(0);
  });
});
