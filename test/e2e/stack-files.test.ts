import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPrometheusRules, loadConfig as loadAlertsConfig, loadRuleFile } from '@telltale/alerts';
import { loadConfig as loadProcessorConfig } from '@telltale/processor';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEPLOY_DIR, REPO_ROOT } from './deploy-files.ts';

/**
 * The compose stack is not run here (no Docker on the test machines); these
 * checks keep docker-compose.yml, the Dockerfile and deploy/ consistent with
 * each other and with the code, so the stack's wiring cannot drift.
 */

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}
const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const telltaleServices = Object.entries(services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml, the Dockerfile and deploy/', () => {
  it('copy the manifest of every workspace into the image before npm ci', () => {
    const dockerfile = read('Dockerfile');
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    for (const ws of workspaces) expect(dockerfile, ws).toContain(`COPY ${ws}/package.json ${ws}/`);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('run telltale services from files that exist, with config files that exist', () => {
    expect(telltaleServices.map(([n]) => n).sort()).toEqual(
      ['alerts', 'demo', 'pager-log', 'processor-1', 'processor-2'].sort(),
    );
    for (const [name, s] of telltaleServices) {
      const [script, ...args] = s.command ?? [];
      expect(script && existsSync(join(REPO_ROOT, script)), `${name}: ${script}`).toBe(true);
      const config = args[args.indexOf('--config') + 1];
      if (args.includes('--config'))
        expect(existsSync(join(DEPLOY_DIR, (config ?? '').replace('/etc/telltale/', ''))), `${name}: ${config}`).toBe(
          true,
        );
    }
  });

  it('mount only files and folders that exist', () => {
    for (const [name, s] of Object.entries(services))
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] ?? '';
        if (source.startsWith('./')) expect(existsSync(join(REPO_ROOT, source)), `${name}: ${source}`).toBe(true);
      }
  });

  it('give the processor replicas one consumer group and distinct client ids', () => {
    const config = loadProcessorConfig({ file: join(DEPLOY_DIR, 'processor.yaml'), env: {} });
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
    const ids = ['processor-1', 'processor-2'].map((n) => services[n]?.environment?.TELLTALE_KAFKA_CLIENT_ID);
    expect(new Set(ids).size).toBe(2);
    for (const n of ['processor-1', 'processor-2'])
      expect(services[n]?.environment?.TELLTALE_KAFKA_GROUP_ID, n).toBeUndefined();
  });

  it('give the alert service every variable its config file refers to', () => {
    const env = services.alerts?.environment ?? {};
    const config = loadAlertsConfig({ file: join(DEPLOY_DIR, 'alerts.yaml'), env });
    const am = config.channels.find((c) => c.type === 'alertmanager');
    expect(am && 'url' in am ? am.url : undefined).toBe('http://alertmanager:9093');
    expect(config.rules.file).toBe('/etc/telltale/rules.yaml');
  });

  it('let Prometheus scrape each telltale service on the port its config serves', () => {
    const prom = parseYaml(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(prom.scrape_configs.map((j) => [j.job_name, j.static_configs[0]?.targets]));
    const processorPort = loadProcessorConfig({ file: join(DEPLOY_DIR, 'processor.yaml'), env: {} }).server.port;
    const alertsPort = loadAlertsConfig({ file: join(DEPLOY_DIR, 'alerts.yaml'), env: services.alerts?.environment })
      .server.port;
    expect(targets['telltale-processor']).toEqual([`processor-1:${processorPort}`, `processor-2:${processorPort}`]);
    expect(targets['telltale-alerts']).toEqual([`alerts:${alertsPort}`]);
    expect(targets['otel-collector']).toEqual(['collector:8888']);
  });

  it('route Alertmanager to the pager-log service on the port it listens on', () => {
    const port = services['pager-log']?.command?.at(-1);
    for (const file of ['alertmanager.yml', 'alertmanager.pagerduty.yml']) {
      const am = parseYaml(read(`deploy/alertmanager/${file}`)) as {
        receivers: { webhook_configs?: { url: string }[] }[];
      };
      const urls = am.receivers.flatMap((r) => (r.webhook_configs ?? []).map((w) => w.url));
      expect(urls.length, file).toBeGreaterThan(0);
      for (const url of urls) expect(url, file).toBe(`http://pager-log:${port}/alertmanager`);
    }
  });

  it('send the demo service telemetry to the collector', () => {
    expect(services.demo?.environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
  });
});

describe('deploy/prometheus/telltale-rules.yml', () => {
  it('is exactly what `telltale-alerts export-rules` makes of deploy/rules.yaml', () => {
    const exported = exportPrometheusRules(loadRuleFile(join(DEPLOY_DIR, 'rules.yaml')), {
      source: 'deploy/rules.yaml',
      tenantLabel: loadAlertsConfig({ file: join(DEPLOY_DIR, 'alerts.yaml'), env: services.alerts?.environment })
        .metrics.tenantLabel,
    });
    expect(read('deploy/prometheus/telltale-rules.yml')).toBe(exported);
  });
});
