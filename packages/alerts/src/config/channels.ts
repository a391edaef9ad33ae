import { z } from 'zod';
import { durationSchema } from '../duration.ts';

/**
 * Where notifications go: the `channels` and `routes` sections of the config.
 * The pager (src/notify/) builds one NotificationChannel per entry; the engine
 * never sees these. Durations accept `10s` text or milliseconds.
 */

const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** Fields every network channel shares: how long one attempt may take and how often to retry. */
const delivery = {
  /** One HTTP attempt's timeout. Default 10s. */
  timeout: durationSchema.default(10_000),
  /** Retries after the first attempt, on 429, 5xx, timeouts and network errors (never other 4xx). Default 5. */
  retries: z.number().int().nonnegative().default(5),
  /** Backoff before retry n is min(maxBackoff, minBackoff × 2^(n-1)) with full jitter. Defaults 500ms and 30s. */
  minBackoff: durationSchema.default(500),
  maxBackoff: durationSchema.default(30_000),
};

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only (it becomes a metric label)')
  .max(64);

export const pagerdutyChannelSchema = z.strictObject({
  name,
  type: z.literal('pagerduty'),
  /** Events API v2 endpoint. */
  url: z.url().default('https://events.pagerduty.com/v2/enqueue'),
  /** The integration's routing key (32 characters). Use `${env:NAME}` in the file to keep it out of it. */
  routingKey: z.string().min(1),
  /** payload.source; default the service's hostname. */
  source: z.string().min(1).optional(),
  ...delivery,
});

export const alertmanagerChannelSchema = z.strictObject({
  name,
  type: z.literal('alertmanager'),
  /** Alertmanager base URL, e.g. http://alertmanager:9093 (alerts go to {url}/api/v2/alerts). */
  url: z.url(),
  ...delivery,
});

export const webhookChannelSchema = z.strictObject({
  name,
  type: z.literal('webhook'),
  /** Receives Alertmanager webhook payloads (version "4"). */
  url: z.url(),
  /** Extra request headers, e.g. Authorization. */
  headers: z.record(z.string(), z.string()).default({}),
  ...delivery,
});

export const consoleChannelSchema = z.strictObject({
  name,
  type: z.literal('console'),
});

export const channelSchema = z.discriminatedUnion('type', [
  pagerdutyChannelSchema,
  alertmanagerChannelSchema,
  webhookChannelSchema,
  consoleChannelSchema,
]);

/**
 * One route: notifications of the matching rules and severities go to its
 * channels. A notification goes to the union of the channels of every route
 * that matches it; with no routes at all, every channel gets everything.
 */
export const routeSchema = z.strictObject({
  /** Rule names (exact); omitted = every rule. */
  rules: z.array(z.string().min(1)).min(1).optional(),
  /** Severities; omitted = every severity. */
  severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
  /** Channel names from `channels`. */
  channels: z.array(z.string().min(1)).min(1),
});

export type ChannelConfig = z.infer<typeof channelSchema>;
export type PagerdutyChannelConfig = z.infer<typeof pagerdutyChannelSchema>;
export type AlertmanagerChannelConfig = z.infer<typeof alertmanagerChannelSchema>;
export type WebhookChannelConfig = z.infer<typeof webhookChannelSchema>;
export type ConsoleChannelConfig = z.infer<typeof consoleChannelSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;

/** Issues for routes that name a channel that does not exist, and for duplicate channel names. */
export function checkChannelRefs(
  notify: { channels: readonly { name: string }[]; routes: readonly { channels: readonly string[] }[] },
  addIssue: (path: (string | number)[], message: string) => void,
): void {
  const names = new Set<string>();
  notify.channels.forEach((c, i) => {
    if (names.has(c.name)) addIssue(['channels', i, 'name'], `duplicate channel name "${c.name}"`);
    names.add(c.name);
  });
  notify.routes.forEach((r, i) => {
    r.channels.forEach((n, j) => {
      if (!names.has(n))
        addIssue(['routes', i, 'channels', j], `no channel named "${n}" (have: ${[...names].join(', ') || 'none'})`);
    });
  });
}

/** The channel names a notification of this rule and severity goes to. */
export function routeChannels(
  notify: { channels: readonly { name: string }[]; routes: readonly RouteConfig[] },
  ruleName: string,
  severity: string,
): string[] {
  if (notify.routes.length === 0) return notify.channels.map((c) => c.name);
  const out = new Set<string>();
  for (const r of notify.routes) {
    if (r.rules && !r.rules.includes(ruleName)) continue;
    if (r.severities && !(r.severities as readonly string[]).includes(severity)) continue;
    for (const c of r.channels) out.add(c);
  }
  return [...out];
}
