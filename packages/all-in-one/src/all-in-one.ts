import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AlertsConfigInput, createAlertService, type RunningAlertService } from '@telltale/alerts';
import type { Logger } from 'pino';
import { type RunningDemo, startDemo } from './demo/demo-service.ts';
import { type RunningEmbeddedProcessor, startEmbeddedProcessor } from './embedded/embedded-processor.ts';
import type { AllInOneOptions } from './options.ts';
import { SETTINGS } from './options.ts';
import { listenOn } from './ports.ts';

type ChannelInput = NonNullable<AlertsConfigInput['channels']>[number];

/** The rules `npm start` evaluates with the demo on: short windows, so it pages within a minute. */
export const DEMO_RULES_FILE = fileURLToPath(new URL('../rules/demo.yaml', import.meta.url));

export interface RunningAllInOne {
  otlpUrl: string;
  apiUrl: string;
  metricsUrl: string;
  /** The demo assistant's HTTP address, when the demo runs. */
  demoUrl?: string;
  /** Stops the demo, delivers what the open windows hold to the alert service, persists its state, closes. */
  stop(): Promise<void>;
}

/**
 * telltale in one process: the alert service (rules, pager, /metrics, API)
 * with Kafka off, fed in-process by the processor engine behind the embedded
 * OTLP/HTTP receiver; and, with the demo on, the example support assistant
 * sending to that receiver.
 */
export async function startAllInOne(o: AllInOneOptions, logger: Logger): Promise<RunningAllInOne> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of [...stops].reverse())
      await stop().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
  };
  try {
    const rulesFile = o.rules ?? (o.demo ? DEMO_RULES_FILE : undefined);
    const config: AlertsConfigInput = {
      kafka: { enabled: false },
      rules: { ...(rulesFile ? { file: rulesFile } : {}), evaluationInterval: o.evaluationIntervalMs },
      state: { dir: o.stateDir ?? join(tmpdir(), 'telltale-all-in-one') },
      server: { host: o.host, port: o.port },
      channels: channels(o),
      log: { level: o.logLevel },
    };
    const alerts: RunningAlertService = await listenOn(
      () => createAlertService(config, { logger }),
      o.port,
      '/metrics and alerts API',
      SETTINGS.port,
    );
    stops.push(() => alerts.stop());

    const processor: RunningEmbeddedProcessor = await listenOn(
      () =>
        startEmbeddedProcessor({
          host: o.host,
          port: o.otlpPort,
          windowMs: o.windowMs,
          graceMs: o.graceMs,
          logger,
          onOutput: (out) => {
            for (const aggregate of out.aggregates) {
              const result = alerts.apply(aggregate);
              if (result.outcome === 'invalid')
                logger.error({ issues: result.issues, id: aggregate.id }, 'the alert service refused an aggregate');
            }
            for (const event of out.safetyEvents) logger.debug({ event }, 'safety event');
          },
        }),
      o.otlpPort,
      'OTLP/HTTP receiver',
      SETTINGS.otlpPort,
    );
    stops.push(() => processor.stop());
    // One /metrics for both engines: the processor's series join the alert service's registry.
    const processorRegistry = processor.metrics.registry;
    for (const { name } of processorRegistry.getMetricsAsArray()) {
      const metric = processorRegistry.getSingleMetric(name);
      if (metric) alerts.service.metrics.registry.registerMetric(metric);
    }

    let demo: RunningDemo | undefined;
    if (o.demo) {
      demo = await startDemo({
        otlpUrl: processor.url,
        rate: o.demoRate,
        tenants: o.demoTenants,
        failingTool: o.demoTool,
        failureRate: o.demoFailureRate,
        failAfterMs: o.failAfter * 1000,
        recoverAfterMs: o.recoverAfter * 1000,
        logger,
      });
      const d = demo;
      stops.push(() => d.stop());
    }

    const running: RunningAllInOne = {
      otlpUrl: processor.url,
      apiUrl: `${alerts.url}/api/v1`,
      metricsUrl: `${alerts.url}/metrics`,
      ...(demo ? { demoUrl: demo.url } : {}),
      stop: stopAll,
    };
    // The addresses are in the message itself, so the pretty output shows them once.
    logger.info(banner(o, running, rulesFile, config.channels ?? []));
    return running;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function channels(o: AllInOneOptions): ChannelInput[] {
  const out: ChannelInput[] = [];
  if (o.console) out.push({ name: 'console', type: 'console' });
  if (o.pagerdutyRoutingKey)
    out.push({
      name: 'pagerduty',
      type: 'pagerduty',
      routingKey: o.pagerdutyRoutingKey,
      ...(o.pagerdutyUrl ? { url: o.pagerdutyUrl } : {}),
    });
  if (o.alertmanagerUrl) out.push({ name: 'alertmanager', type: 'alertmanager', url: o.alertmanagerUrl });
  if (o.webhookUrl) out.push({ name: 'webhook', type: 'webhook', url: o.webhookUrl });
  return out;
}

/** What a newcomer needs to see once: where everything is and what happens next. */
function banner(o: AllInOneOptions, r: RunningAllInOne, rulesFile: string | undefined, ch: ChannelInput[]): string {
  const pager = ch.map((c) => ('url' in c && c.type !== 'pagerduty' ? `${c.name} ${c.url}` : c.name)).join(', ');
  const lines = [
    'telltale all-in-one is running',
    `  OTLP/HTTP receiver  ${r.otlpUrl}/v1/traces (protobuf or JSON; point OTEL_EXPORTER_OTLP_ENDPOINT at ${r.otlpUrl})`,
    `  metrics             ${r.metricsUrl}`,
    `  alerts API          ${r.apiUrl}/alerts and ${r.apiUrl}/rules`,
    `  rules               ${rulesFile ?? 'the alert service defaults (packages/alerts/rules/default.yaml)'}`,
    `  pager               ${pager || 'none (every channel is off)'}`,
  ];
  if (o.demo) {
    const recover = o.recoverAfter > o.failAfter ? `, recovers at ${o.recoverAfter} s` : ', never recovers';
    lines.push(
      `  demo                support assistant at ${o.demoRate} requests/s for ${o.demoTenants.join(', ')} (${r.demoUrl})`,
      `                      ${o.demoTool} starts failing at ${o.failAfter} s${recover}: watch for the FIRING and RESOLVED lines`,
    );
  } else lines.push('  demo                off: send your own OTLP traces');
  lines.push('Ctrl-C stops.');
  return lines.join('\n');
}
