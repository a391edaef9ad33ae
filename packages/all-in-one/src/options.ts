import { envBool, envList, envNumber } from '@telltale/config';
import { TOOL_NAMES } from '@telltale/example-support-assistant';
import { z } from 'zod';

/**
 * The all-in-one's settings, from flags or environment (main.ts maps each
 * flag to its TELLTALE_* variable), validated once. Defaults are beside the
 * fields; the demo's are tuned so the alert fires and resolves within about
 * two minutes of `npm start`.
 */

const port = envNumber(z.number().int().min(0).max(65535));
const seconds = envNumber(z.number().nonnegative());

export const allInOneOptionsSchema = z
  .object({
    /** Address every server binds. 127.0.0.1 keeps it on this machine; 0.0.0.0 accepts other hosts. */
    host: z.string().min(1).default('127.0.0.1'),
    /** OTLP/HTTP receiver (POST /v1/traces). */
    otlpPort: port.default(4318),
    /** /metrics, the alerts API, /healthz, /readyz. */
    port: port.default(9465),
    /** Run the demo workload. Off: a single-node telltale any OTel-instrumented service can send to. */
    demo: envBool.default(true),
    /** Demo requests per second. */
    demoRate: envNumber(z.number().positive().max(1000)).default(5),
    demoTenants: envList.default(['acme', 'globex', 'initech']),
    /** The demo tool that fails, when, how badly, and when it recovers (seconds from start). */
    demoTool: z.enum(TOOL_NAMES).default('lookup_order'),
    demoFailureRate: envNumber(z.number().gt(0).max(1)).default(1),
    failAfter: seconds.default(30),
    /** 0 = never recovers. */
    recoverAfter: seconds.default(60),
    /** Rule file; default rules/demo.yaml with the demo, the alert service's default rules without. */
    rules: z.string().min(1).optional(),
    /** Event-time window of the processor engine, and its grace for late spans. */
    windowMs: envNumber(z.number().int().positive()).default(5000),
    graceMs: envNumber(z.number().int().nonnegative()).default(5000),
    /** How often rules are evaluated. */
    evaluationIntervalMs: envNumber(z.number().int().positive()).default(2000),
    /** Alert state (survives restarts: no second page for a paged incident). */
    stateDir: z.string().min(1).optional(),
    /** Pager channels besides the console: any of them, each when given. */
    console: envBool.default(true),
    pagerdutyRoutingKey: z.string().min(1).optional(),
    pagerdutyUrl: z.url().optional(),
    alertmanagerUrl: z.url().optional(),
    webhookUrl: z.url().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((o, ctx) => {
    if (o.otlpPort !== 0 && o.otlpPort === o.port)
      ctx.addIssue({ code: 'custom', path: ['port'], message: `must differ from otlpPort (${o.otlpPort})` });
  });

export type AllInOneOptions = z.infer<typeof allInOneOptionsSchema>;
export type AllInOneInput = z.input<typeof allInOneOptionsSchema>;

/** Each setting's flag and environment variable, for the CLI and for messages that name them. */
export const SETTINGS: Readonly<Record<keyof AllInOneInput, { flag: string; env: string }>> = {
  host: { flag: '--host', env: 'TELLTALE_HOST' },
  otlpPort: { flag: '--otlp-port', env: 'TELLTALE_OTLP_PORT' },
  port: { flag: '--port', env: 'TELLTALE_PORT' },
  demo: { flag: '--no-demo', env: 'TELLTALE_DEMO' },
  demoRate: { flag: '--demo-rate', env: 'TELLTALE_DEMO_RATE' },
  demoTenants: { flag: '--demo-tenants', env: 'TELLTALE_DEMO_TENANTS' },
  demoTool: { flag: '--demo-tool', env: 'TELLTALE_DEMO_TOOL' },
  demoFailureRate: { flag: '--demo-failure-rate', env: 'TELLTALE_DEMO_FAILURE_RATE' },
  failAfter: { flag: '--fail-after', env: 'TELLTALE_DEMO_FAIL_AFTER' },
  recoverAfter: { flag: '--recover-after', env: 'TELLTALE_DEMO_RECOVER_AFTER' },
  rules: { flag: '--rules', env: 'TELLTALE_RULES_FILE' },
  windowMs: { flag: '--window-ms', env: 'TELLTALE_WINDOW_MS' },
  graceMs: { flag: '--grace-ms', env: 'TELLTALE_GRACE_MS' },
  evaluationIntervalMs: { flag: '--evaluation-interval-ms', env: 'TELLTALE_EVALUATION_INTERVAL_MS' },
  stateDir: { flag: '--state-dir', env: 'TELLTALE_STATE_DIR' },
  console: { flag: '--no-console', env: 'TELLTALE_CONSOLE_PAGER' },
  pagerdutyRoutingKey: { flag: '--pagerduty-routing-key', env: 'PAGERDUTY_ROUTING_KEY' },
  pagerdutyUrl: { flag: '--pagerduty-url', env: 'TELLTALE_PAGERDUTY_URL' },
  alertmanagerUrl: { flag: '--alertmanager-url', env: 'TELLTALE_ALERTMANAGER_URL' },
  webhookUrl: { flag: '--webhook-url', env: 'TELLTALE_WEBHOOK_URL' },
  logLevel: { flag: '--log-level', env: 'TELLTALE_LOG_LEVEL' },
};

/** Validates the options; a bad one throws naming its flag and variable. */
export function parseOptions(raw: Record<string, unknown>): AllInOneOptions {
  const r = allInOneOptionsSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue?.path[0];
  const setting = typeof key === 'string' ? SETTINGS[key as keyof AllInOneInput] : undefined;
  const where = setting ? `${String(key)} (${setting.flag} / ${setting.env})` : issue?.path.join('.') || '(options)';
  throw new OptionsError(`${where}: ${issue?.message ?? 'invalid'}`);
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}
