import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTopics,
  freePort,
  httpReady,
  kafkaBrokers,
  type ManagedProcess,
  type RunningAlertmanager,
  type RunningCollector,
  type RunningPrometheus,
  startAlertmanager,
  startCollector,
  startProcess,
  startPrometheus,
  uniqueTopic,
} from '../infra/index.ts';
import { alertmanagerConfig, deployPath, prometheusConfig, prometheusRuleFiles, REPO_ROOT } from './deploy-files.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

/**
 * The whole telltale stack of docker-compose.yml, as local processes with the
 * files in deploy/: the collector, two processor replicas, the alert service,
 * Alertmanager delivering to the test's webhook receiver, Prometheus scraping
 * them, and the example support assistant exporting to the collector.
 */

const NODE = process.execPath;

export interface Topics {
  spans: string;
  aggregates: string;
  safetyEvents: string;
  dlq: string;
}

export interface Stack {
  brokers: string[];
  topics: Topics;
  /** Base OTLP/HTTP URL of the collector. */
  collectorUrl: string;
  collector: RunningCollector;
  processors: ManagedProcess[];
  alerts: ManagedProcess;
  alertsUrl: string;
  alertmanager: RunningAlertmanager;
  prometheus: RunningPrometheus;
  webhook: WebhookReceiver;
  demo: ManagedProcess;
  demoUrl: string;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const fn of [...cleanup].reverse()) await fn().catch(() => {});
  };
  try {
    const brokers = kafkaBrokers();
    const topics: Topics = {
      spans: uniqueTopic('e2e-spans'),
      aggregates: uniqueTopic('e2e-aggregates'),
      safetyEvents: uniqueTopic('e2e-safety'),
      dlq: uniqueTopic('e2e-dlq'),
    };
    await createTopics(brokers, [
      { topic: topics.spans, numPartitions: 6 },
      { topic: topics.aggregates, numPartitions: 6 },
      { topic: topics.safetyEvents, numPartitions: 1 },
      { topic: topics.dlq, numPartitions: 1 },
    ]);
    const group = uniqueTopic('e2e');

    const [otlpHttp, otlpGrpc] = [await freePort(), await freePort()];
    const collector = await startCollector({
      configFile: deployPath('collector.yaml'),
      env: {
        KAFKA_BROKERS: brokers.join(','),
        TELLTALE_SPANS_TOPIC: topics.spans,
        TELLTALE_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${otlpHttp}`,
        TELLTALE_COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${otlpGrpc}`,
        TELLTALE_COLLECTOR_METRICS_HOST: '127.0.0.1',
        TELLTALE_COLLECTOR_LOG_LEVEL: 'warn',
      },
    });
    cleanup.push(() => collector.stop());

    const processorPorts = [await freePort(), await freePort()] as const;
    const processors: ManagedProcess[] = [];
    for (const [i, port] of processorPorts.entries()) {
      const p = await startProcess({
        name: `processor-${i + 1}`,
        command: NODE,
        args: ['packages/processor/src/cli/main.ts', '--config', deployPath('processor.yaml')],
        cwd: REPO_ROOT,
        env: {
          TELLTALE_KAFKA_BROKERS: brokers.join(','),
          TELLTALE_KAFKA_GROUP_ID: `${group}-processor`,
          TELLTALE_KAFKA_CLIENT_ID: `e2e-processor-${i + 1}`,
          TELLTALE_SPANS_TOPIC: topics.spans,
          TELLTALE_AGGREGATES_TOPIC: topics.aggregates,
          TELLTALE_SAFETY_EVENTS_TOPIC: topics.safetyEvents,
          TELLTALE_DLQ_TOPIC: topics.dlq,
          TELLTALE_SERVER_HOST: '127.0.0.1',
          TELLTALE_SERVER_PORT: String(port),
          TELLTALE_LOG_LEVEL: 'warn',
        },
        ready: () => httpReady(`http://127.0.0.1:${port}/readyz`),
        timeoutMs: 90_000,
      });
      processors.push(p);
      cleanup.push(() => p.stop());
    }

    const webhook = await startWebhookReceiver();
    cleanup.push(() => webhook.close());
    const alertmanager = await startAlertmanager({ config: alertmanagerConfig(webhook.url) });
    cleanup.push(() => alertmanager.stop());

    const stateDir = await mkdtemp(join(tmpdir(), 'telltale-e2e-alerts-'));
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    const alertsPort = await freePort();
    const alertsUrl = `http://127.0.0.1:${alertsPort}`;
    const alerts = await startProcess({
      name: 'alerts',
      command: NODE,
      args: ['packages/alerts/src/cli/main.ts', '--config', deployPath('alerts.yaml')],
      cwd: REPO_ROOT,
      env: {
        TELLTALE_ALERTMANAGER_URL: alertmanager.url,
        TELLTALE_ALERTS_KAFKA_BROKERS: brokers.join(','),
        TELLTALE_ALERTS_KAFKA_TOPIC: topics.aggregates,
        TELLTALE_ALERTS_KAFKA_GROUP_ID: `${group}-alerts`,
        TELLTALE_ALERTS_HOST: '127.0.0.1',
        TELLTALE_ALERTS_PORT: String(alertsPort),
        TELLTALE_ALERTS_EXTERNAL_URL: alertsUrl,
        TELLTALE_ALERTS_STATE_DIR: stateDir,
        TELLTALE_ALERTS_RULES_FILE: deployPath('rules.yaml'),
        TELLTALE_ALERTS_LOG_LEVEL: 'warn',
      },
      ready: () => httpReady(`${alertsUrl}/readyz`),
      timeoutMs: 90_000,
    });
    cleanup.push(() => alerts.stop());

    const prometheus = await startPrometheus({
      config: prometheusConfig({
        alerts: `127.0.0.1:${alertsPort}`,
        processors: [`127.0.0.1:${processorPorts[0]}`, `127.0.0.1:${processorPorts[1]}`],
        collector: new URL(collector.metricsUrl).host,
      }),
      ruleFiles: prometheusRuleFiles(),
    });
    cleanup.push(() => prometheus.stop());

    const demoPort = await freePort();
    const demoUrl = `http://127.0.0.1:${demoPort}`;
    const demo = await startProcess({
      name: 'support-assistant',
      command: NODE,
      args: [
        'examples/support-assistant/src/main.ts',
        '--port',
        String(demoPort),
        '--endpoint',
        `http://127.0.0.1:${otlpHttp}`,
        '--no-load',
        '--no-metrics',
        '--seed',
        '42',
      ],
      cwd: REPO_ROOT,
      env: {
        // A queue that never drops under the test's load: the ground truth counts every span.
        OTEL_BSP_MAX_QUEUE_SIZE: '65536',
        OTEL_BSP_SCHEDULED_DELAY: '200',
      },
      ready: () => httpReady(`${demoUrl}/tally`),
      timeoutMs: 60_000,
    });
    cleanup.push(() => demo.stop());

    return {
      brokers,
      topics,
      collectorUrl: `http://127.0.0.1:${otlpHttp}`,
      collector,
      processors,
      alerts,
      alertsUrl,
      alertmanager,
      prometheus,
      webhook,
      demo,
      demoUrl,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
