import { alertLabels } from './alertmanager.ts';
import { postJson } from './http.ts';
import { labelsFingerprint, labelsString } from './labels.ts';
import type { AlertNotification, NotificationChannel } from './notification.ts';
import { type ChannelRetryOptions, channelHooks, deliverWithRetry, type RetryPolicy } from './retry.ts';

/** What Go's zero time.Time marshals to: Alertmanager's endsAt of an alert still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface WebhookChannelOptions extends RetryPolicy, ChannelRetryOptions {
  name: string;
  url: string;
  /** Extra request headers, e.g. Authorization. */
  headers?: Record<string, string>;
  /** externalURL of the payload: where telltale is reached; default the origin of the alert's generatorURL. */
  externalURL?: string | undefined;
}

/** One alert of an Alertmanager webhook payload. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The Alertmanager webhook payload, version "4" (prometheus.io, configuration, `<webhook_config>`). */
export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/**
 * One notification as a one-alert group, as Alertmanager sends it with
 * `group_by: ['...']`: the group labels are all the alert's labels, the
 * groupKey is `{}:` plus that label set, and the fingerprint is the one
 * Alertmanager computes, so receivers that thread or dedupe by them work.
 */
export function toWebhookPayload(n: AlertNotification, receiver: string, externalURL?: string): WebhookPayload {
  const labels = alertLabels(n);
  const annotations = Object.fromEntries(Object.entries(n.annotations).filter(([, v]) => v !== ''));
  const status = n.action === 'resolve' ? 'resolved' : 'firing';
  return {
    version: '4',
    groupKey: `{}:${labelsString(labels)}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: externalURL ?? originOf(n.generatorURL),
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: n.startsAt.toISOString(),
        endsAt: status === 'resolved' ? (n.endsAt ?? new Date()).toISOString() : ZERO_TIME,
        generatorURL: n.generatorURL,
        fingerprint: labelsFingerprint(labels),
      },
    ],
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** A generic webhook receiving Alertmanager's payload, so receivers written for Alertmanager work unchanged. */
export function createWebhookChannel(opts: WebhookChannelOptions): NotificationChannel {
  return {
    name: opts.name,
    type: 'webhook',
    send: (n, signal) =>
      deliverWithRetry(
        (attemptSignal) =>
          postJson(opts.url, toWebhookPayload(n, opts.name, opts.externalURL), attemptSignal, opts.headers),
        opts,
        signal,
        channelHooks(opts.name, opts),
      ),
  };
}
