// The public surface of @telltale/alerts: named exports only.

export type { ApiOptions } from './api/app.ts';
export { createApp } from './api/app.ts';
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
export type { EngineOptions, RuleStatus } from './engine/alert-engine.ts';
export { AlertEngine } from './engine/alert-engine.ts';
export type { AlertInstance, EngineSnapshot } from './engine/alert-instance.ts';
export { dedupKey } from './engine/dedup-key.ts';
export { AlertsError, ConfigError, RuleFileError, StateFileError } from './errors.ts';
export type { PrometheusExportOptions } from './export/prometheus-rules.ts';
export { exportPrometheusRules } from './export/prometheus-rules.ts';
export type { AggregateOutcome, AlertMetricsOptions } from './metrics/alert-metrics.ts';
export { AlertMetrics } from './metrics/alert-metrics.ts';
export type { DeliveryMetrics } from './metrics/delivery-metrics.ts';
export { createChannel, createChannels } from './notify/channel-factory.ts';
export type { Pager, PagerOptions, PendingDelivery } from './notify/dispatcher.ts';
export { createPager } from './notify/dispatcher.ts';
export type { AlertNotification, DeliveryResult, NotificationChannel, Severity } from './notify/notification.ts';
export type { CompiledRule, GroupLabel, RuleWindow } from './rules/compiled-rule.ts';
export type { ConditionResult, WindowedCounts } from './rules/conditions/condition.ts';
export { DEFAULT_RULES_FILE, loadRuleFile, parseRules } from './rules/load.ts';
export type { RuleKind, RuleSpec } from './rules/schema.ts';
export { ruleFileSchema, ruleSchema } from './rules/schema.ts';
export type { AlertServiceDeps, ApplyResult } from './service/alert-service.ts';
export { AlertService } from './service/alert-service.ts';
export type { CreateAlertServiceOptions, RunningAlertService } from './service/create.ts';
export { createAlertService } from './service/create.ts';
export type { AggregateSink, KafkaSourceOptions } from './source/kafka.ts';
export { KafkaAggregateSource } from './source/kafka.ts';
export type { ApplyOutcome, StoreOptions, StoreSnapshot } from './store/window-store.ts';
export { WindowStore } from './store/window-store.ts';
