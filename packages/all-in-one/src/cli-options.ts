import { TOOL_NAMES } from '@telltale/example-support-assistant';
import { Command } from 'commander';
import { type AllInOneInput, type AllInOneOptions, allInOneOptionsSchema, parseOptions, SETTINGS } from './options.ts';

/**
 * The command line of `npm start` (telltale all-in-one). Every flag has an
 * environment variable; a flag given on the command line wins over its
 * variable, and both are validated by the options schema.
 */
export function buildCommand(): Command {
  const s = SETTINGS;
  const env = (key: keyof AllInOneInput) => `(env ${s[key].env})`;
  // The help states the schema's defaults, not a copy of them.
  const d = allInOneOptionsSchema.parse({});
  return new Command('telltale')
    .description(
      'telltale all-in-one: OTLP/HTTP receiver, processor and alert engines in memory, /metrics and the alerts API, with a demo workload',
    )
    .option('--host <address>', `address the servers bind, default ${d.host} ${env('host')}`)
    .option('--otlp-port <port>', `OTLP/HTTP receiver port, default ${d.otlpPort} ${env('otlpPort')}`)
    .option('--port <port>', `/metrics and alerts API port, default ${d.port} ${env('port')}`)
    .option('--no-demo', `no demo workload: a single-node telltale for your own services ${env('demo')}=false`)
    .option('--demo-rate <n>', `demo requests per second, default ${d.demoRate} ${env('demoRate')}`)
    .option(
      '--demo-tenants <list>',
      `demo tenants, comma-separated, default ${d.demoTenants.join(',')} ${env('demoTenants')}`,
    )
    .option(
      '--demo-tool <tool>',
      `demo tool that fails: ${TOOL_NAMES.join(', ')}, default ${d.demoTool} ${env('demoTool')}`,
    )
    .option(
      '--demo-failure-rate <p>',
      `share of its calls that fail, default ${d.demoFailureRate} ${env('demoFailureRate')}`,
    )
    .option('--fail-after <seconds>', `when the demo tool starts failing, default ${d.failAfter} ${env('failAfter')}`)
    .option(
      '--recover-after <seconds>',
      `when it recovers (0: never), default ${d.recoverAfter} ${env('recoverAfter')}`,
    )
    .option('--rules <file>', `alert rule file ${env('rules')}`)
    .option('--window-ms <ms>', `processor window size, default ${d.windowMs} ${env('windowMs')}`)
    .option('--grace-ms <ms>', `processor grace for late spans, default ${d.graceMs} ${env('graceMs')}`)
    .option(
      '--evaluation-interval-ms <ms>',
      `rule evaluation interval, default ${d.evaluationIntervalMs} ${env('evaluationIntervalMs')}`,
    )
    .option('--state-dir <dir>', `alert state directory ${env('stateDir')}`)
    .option('--no-console', `no console pager lines ${env('console')}=false`)
    .option('--pagerduty-routing-key <key>', `also page PagerDuty (Events v2) ${env('pagerdutyRoutingKey')}`)
    .option('--pagerduty-url <url>', `PagerDuty Events v2 endpoint ${env('pagerdutyUrl')}`)
    .option('--alertmanager-url <url>', `also send alerts to this Alertmanager ${env('alertmanagerUrl')}`)
    .option('--webhook-url <url>', `also post Alertmanager-format webhooks here ${env('webhookUrl')}`)
    .option('--log-level <level>', `fatal, error, warn, info, debug, trace or silent ${env('logLevel')}`);
}

/** Options from the environment, overridden by the flags given on the command line. */
export function resolveOptions(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
): { options: AllInOneOptions; command: Command } {
  const command = buildCommand().exitOverride().parse(argv, { from: 'user' });
  const raw: Record<string, unknown> = {};
  const given = command.opts<Record<string, unknown>>();
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const fromEnv = environment[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') raw[key] = fromEnv;
    if (command.getOptionValueSource(key) === 'cli') raw[key] = given[key];
  }
  return { options: parseOptions(raw), command };
}
