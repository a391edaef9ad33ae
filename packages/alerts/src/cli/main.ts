#!/usr/bin/env node
import { logProcessWarnings } from '@telltale/service';
import { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { AlertsConfig } from '../config/schema.ts';
import { AlertsError, ConfigError, RuleFileError, StateFileError } from '../errors.ts';
import { runService } from './run.ts';

/**
 * telltale-alerts: Prometheus metrics and paging from telltale aggregates.
 * Config from TELLTALE_ALERTS_* env and an optional YAML file; a bad config
 * or rule file stops start-up with what and where (exit 2).
 */
const program = new Command()
  .name('telltale-alerts')
  .description('Prometheus metrics and paging (PagerDuty, Alertmanager, webhook) from telltale aggregates')
  .option('-c, --config <file>', 'YAML config file (env TELLTALE_ALERTS_* wins over it)');

function config(): AlertsConfig {
  const opts = program.opts<{ config?: string }>();
  try {
    return loadConfig(opts.config ? { file: opts.config } : {});
  } catch (err) {
    fail(err);
  }
}

/** A config, rule or state file the operator must fix: one line on stderr naming what and where. */
function isInputError(err: unknown): err is AlertsError {
  return err instanceof ConfigError || err instanceof RuleFileError || err instanceof StateFileError;
}

function fail(err: unknown): never {
  if (isInputError(err)) {
    process.stderr.write(`telltale-alerts: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

program
  .command('run', { isDefault: true })
  .description('consume aggregates, serve /metrics and the API, evaluate the rules and page (default)')
  .option('--check-config', 'validate the config and the rule file, print the config (secrets masked) and exit')
  .action(async (opts: { checkConfig?: boolean }) => {
    const c = config();
    if (opts.checkConfig) {
      const { loadRuleFile } = await import('../rules/load.ts');
      let names: string[];
      try {
        names = loadRuleFile(c.rules.file).map((r) => r.name);
      } catch (err) {
        fail(err);
      }
      process.stdout.write(`${JSON.stringify({ config: masked(c), rules: names }, null, 2)}\n`);
      return;
    }
    const logger = pino({ name: 'telltale-alerts', level: c.log.level });
    logProcessWarnings(logger);
    try {
      await runService(c, logger);
    } catch (err) {
      // The rule and state files are read as the service starts: their errors read like --check-config's.
      if (isInputError(err)) fail(err);
      if (err instanceof AlertsError) {
        logger.fatal(err.message);
        process.exit(2);
      }
      logger.fatal({ err }, 'failed to start');
      process.exit(1);
    }
  });

program
  .command('export-rules')
  .description('write the rule file as Prometheus recording and alerting rules over the exported metrics')
  .option('-r, --rules <file>', 'rule file (default: the config rules.file, else the shipped default)')
  .option('-o, --out <file>', 'write here instead of stdout')
  .option('-g, --group <name>', 'rule group name', 'telltale')
  .option('-i, --interval <duration>', "the group's evaluation interval, e.g. 30s (default: Prometheus's global one)")
  .action(async (opts: { rules?: string; out?: string; group: string; interval?: string }) => {
    const c = config();
    if (opts.interval !== undefined) {
      const { parseDuration } = await import('../duration.ts');
      if (parseDuration(opts.interval) === undefined) {
        process.stderr.write(`telltale-alerts: --interval "${opts.interval}" is not a duration (e.g. 30s, 1m)\n`);
        process.exit(2);
      }
    }
    const { loadRuleFile, DEFAULT_RULES_FILE } = await import('../rules/load.ts');
    const { exportPrometheusRules } = await import('../export/prometheus-rules.ts');
    const file = opts.rules ?? c.rules.file ?? DEFAULT_RULES_FILE;
    let text: string;
    try {
      text = exportPrometheusRules(loadRuleFile(file), {
        group: opts.group,
        source: file,
        tenantLabel: c.metrics.tenantLabel,
        ...(opts.interval ? { interval: opts.interval } : {}),
      });
    } catch (err) {
      fail(err);
    }
    if (opts.out) {
      const { writeFileSync } = await import('node:fs');
      try {
        writeFileSync(opts.out, text);
      } catch (err) {
        process.stderr.write(`telltale-alerts: cannot write ${opts.out}: ${(err as Error).message}\n`);
        process.exit(1);
      }
    } else process.stdout.write(text);
  });

await program.parseAsync();

/** The config with its secrets replaced, for printing. */
function masked(c: AlertsConfig): AlertsConfig {
  const m = structuredClone(c);
  if (m.kafka.sasl) m.kafka.sasl.password = '***';
  if (m.server.token) m.server.token = '***';
  for (const ch of m.channels) {
    if (ch.type === 'pagerduty') ch.routingKey = '***';
    if (ch.type === 'webhook') for (const k of Object.keys(ch.headers)) ch.headers[k] = '***';
  }
  return m;
}
