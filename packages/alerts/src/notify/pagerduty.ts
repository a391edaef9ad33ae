import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { postJson } from './http.ts';
import type { AlertNotification, NotificationChannel, Severity } from './notification.ts';
import { type ChannelRetryOptions, channelHooks, deliverWithRetry, type RetryPolicy } from './retry.ts';

/** PagerDuty Events API v2 limits (developer.pagerduty.com, "Send an Alert Event"). */
export const PAGERDUTY_SUMMARY_MAX = 1024;
export const PAGERDUTY_DEDUP_KEY_MAX = 255;

export interface PagerDutyChannelOptions extends RetryPolicy, ChannelRetryOptions {
  name: string;
  /** The Events API v2 endpoint, e.g. https://events.pagerduty.com/v2/enqueue. */
  url: string;
  /** The integration's routing key. */
  routingKey: string;
  /** payload.source; default this machine's hostname. */
  source?: string | undefined;
}

/** An Events API v2 alert event (trigger, or resolve which carries no payload). */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: Severity;
    timestamp: string;
    component?: string;
    group?: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links?: { href: string; text: string }[];
  client?: string;
  client_url?: string;
}

/**
 * The dedup key as PagerDuty accepts it: keys over 255 characters keep a
 * prefix plus a hash of the whole key, so they stay stable and distinct.
 */
export function pagerDutyDedupKey(key: string): string {
  if (key.length <= PAGERDUTY_DEDUP_KEY_MAX) return key;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `${key.slice(0, PAGERDUTY_DEDUP_KEY_MAX - hash.length - 1)}~${hash}`;
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The summary line: the rule's summary annotation, else the rule and its labels. */
export function summaryOf(n: AlertNotification): string {
  const summary = n.annotations.summary;
  if (summary !== undefined && summary.trim() !== '') return summary;
  const dims = Object.entries(n.labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return dims ? `${n.ruleName} (${dims})` : n.ruleName;
}

/** Translates one notification to the Events API v2 body. */
export function toPagerDutyEvent(n: AlertNotification, routingKey: string, source: string): PagerDutyEvent {
  const dedupKey = pagerDutyDedupKey(n.dedupKey);
  if (n.action === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const links = [{ href: n.generatorURL, text: 'Alert in telltale' }];
  const runbook = n.annotations.runbook_url;
  if (runbook) links.push({ href: runbook, text: 'Runbook' });
  const component = n.labels.tool ?? n.labels.workflow;
  const group = n.labels.service;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: truncate(summaryOf(n), PAGERDUTY_SUMMARY_MAX),
      source,
      severity: n.severity,
      timestamp: n.startsAt.toISOString(),
      ...(component === undefined ? {} : { component }),
      ...(group === undefined ? {} : { group }),
      class: n.ruleName,
      custom_details: {
        values: n.values,
        labels: n.labels,
        ...(n.annotations.description ? { description: n.annotations.description } : {}),
        ...(runbook ? { runbook_url: runbook } : {}),
        link: n.generatorURL,
        firing_since: n.startsAt.toISOString(),
      },
    },
    links,
    client: 'telltale',
    client_url: n.generatorURL,
  };
}

/**
 * PagerDuty Events API v2: trigger opens (or adds to) the incident of the
 * dedup key, resolve closes it. 202 is success; 400 means the event is
 * invalid and is not retried; 429, 5xx, timeouts and network errors are.
 */
export function createPagerDutyChannel(opts: PagerDutyChannelOptions): NotificationChannel {
  const source = opts.source ?? hostname();
  return {
    name: opts.name,
    type: 'pagerduty',
    send: (n, signal) =>
      deliverWithRetry(
        (attemptSignal) => postJson(opts.url, toPagerDutyEvent(n, opts.routingKey, source), attemptSignal),
        opts,
        signal,
        channelHooks(opts.name, opts),
      ),
  };
}
