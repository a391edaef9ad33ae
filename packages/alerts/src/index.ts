// The public surface of @telltale/alerts: named exports only.

export type {
  AlertmanagerChannelConfig,
  ChannelConfig,
  ConsoleChannelConfig,
  PagerdutyChannelConfig,
  RouteConfig,
  WebhookChannelConfig,
} from './config/channels.ts';
export { channelSchema, routeChannels, routeSchema } from './config/channels.ts';
export { loadConfig, parseConfig } from './config/load.ts';
export type { AlertsConfig, AlertsConfigInput } from './config/schema.ts';
export { alertsConfigSchema } from './config/schema.ts';
export { formatDuration, parseDuration } from './duration.ts';
export { AlertsError, ConfigError, RuleFileError, StateFileError } from './errors.ts';
export type { DeliveryMetrics } from './metrics/delivery-metrics.ts';
export type { AlertNotification, DeliveryResult, NotificationChannel, Severity } from './notify/notification.ts';
