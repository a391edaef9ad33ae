import { postJson } from './http.ts';
import { promLabels } from './labels.ts';
import type { AlertNotification, NotificationChannel } from './notification.ts';
import { type ChannelRetryOptions, channelHooks, deliverWithRetry, type RetryPolicy } from './retry.ts';

export interface AlertmanagerChannelOptions extends RetryPolicy, ChannelRetryOptions {
  name: string;
  /** Alertmanager's base URL, e.g. http://alertmanager:9093; alerts go to {url}/api/v2/alerts. */
  url: string;
}

/** One postableAlert of the Alertmanager v2 API (api/v2/openapi.yaml). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

/** The labels an alert is known by: the notification's, with alertname and severity always present. */
export function alertLabels(n: AlertNotification): Record<string, string> {
  return promLabels({ ...n.labels, alertname: n.labels.alertname ?? n.ruleName, severity: n.severity });
}

/**
 * A firing alert carries no endsAt, so Alertmanager resolves it by itself
 * after its resolve_timeout unless it is sent again (the pager re-sends); a
 * resolved one carries endsAt, the time it stopped.
 */
export function toAlertmanagerAlert(n: AlertNotification): AlertmanagerAlert {
  const alert: AlertmanagerAlert = {
    labels: alertLabels(n),
    annotations: Object.fromEntries(Object.entries(n.annotations).filter(([, v]) => v !== '')),
    startsAt: n.startsAt.toISOString(),
    generatorURL: n.generatorURL,
  };
  if (n.action === 'resolve') alert.endsAt = (n.endsAt ?? new Date()).toISOString();
  return alert;
}

/** The Alertmanager v2 API: POST /api/v2/alerts with one alert per notification. */
export function createAlertmanagerChannel(opts: AlertmanagerChannelOptions): NotificationChannel {
  const endpoint = `${opts.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return {
    name: opts.name,
    type: 'alertmanager',
    send: (n, signal) =>
      deliverWithRetry(
        (attemptSignal) => postJson(endpoint, [toAlertmanagerAlert(n)], attemptSignal),
        opts,
        signal,
        channelHooks(opts.name, opts),
      ),
  };
}
