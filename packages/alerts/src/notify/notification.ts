/**
 * What the alert engine hands to the pager: one state change of one alert
 * instance (a rule plus a label set). Channels translate it to their wire
 * format (PagerDuty Events v2, Alertmanager v2 alerts, Alertmanager webhook v4).
 */
export type Severity = 'critical' | 'error' | 'warning' | 'info';

export interface AlertNotification {
  /** `trigger` when the alert starts firing (and on re-sends), `resolve` when it stops. */
  action: 'trigger' | 'resolve';
  /** Stable per rule and label set, across restarts: PagerDuty dedup_key, Alertmanager fingerprint source. At most 255 chars. */
  dedupKey: string;
  /** The rule's name; also labels.alertname. */
  ruleName: string;
  severity: Severity;
  /** alertname, severity, the rule's own labels and the dimensions that matched (service, workflow, tool, tenant). */
  labels: Record<string, string>;
  /** summary, description, runbook_url, ... */
  annotations: Record<string, string>;
  /** When the alert started firing. */
  startsAt: Date;
  /** Set on resolve: when it stopped. */
  endsAt?: Date;
  /** The numbers behind the decision (ratios, burn rates, volumes, cost), for custom_details. */
  values: Record<string, number>;
  /** Link back to the alert in telltale's API. */
  generatorURL: string;
}

/** Outcome of one delivery (after the channel's own retries); channels never throw. */
export type DeliveryResult =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; retriable: boolean; error: string };

export interface NotificationChannel {
  /** Name from config, used in logs and metrics labels. */
  readonly name: string;
  readonly type: 'pagerduty' | 'alertmanager' | 'webhook' | 'console';
  send(notification: AlertNotification, signal?: AbortSignal): Promise<DeliveryResult>;
}
