import type { Logger } from 'pino';
import type { ChannelConfig } from '../config/channels.ts';
import { createAlertmanagerChannel } from './alertmanager.ts';
import { createConsoleChannel } from './console.ts';
import type { NotificationChannel } from './notification.ts';
import { createPagerDutyChannel } from './pagerduty.ts';
import { createWebhookChannel } from './webhook.ts';

export interface ChannelDeps {
  /** Where telltale is reached (config server.externalUrl): the webhook payload's externalURL. */
  externalUrl?: string | undefined;
  /** Where console channels write; default process.stdout. */
  stream?: { write(chunk: string): unknown };
  /** Logs each failed attempt that will be retried. */
  logger?: Logger | undefined;
}

/** One channel from its parsed config entry. */
export function createChannel(config: ChannelConfig, deps: ChannelDeps = {}): NotificationChannel {
  switch (config.type) {
    case 'pagerduty':
      return createPagerDutyChannel({ ...config, logger: deps.logger });
    case 'alertmanager':
      return createAlertmanagerChannel({ ...config, logger: deps.logger });
    case 'webhook':
      return createWebhookChannel({ ...config, externalURL: deps.externalUrl, logger: deps.logger });
    case 'console':
      return createConsoleChannel(deps.stream ? { name: config.name, stream: deps.stream } : { name: config.name });
  }
}

/** Every configured channel, in config order. */
export function createChannels(configs: readonly ChannelConfig[], deps: ChannelDeps = {}): NotificationChannel[] {
  return configs.map((c) => createChannel(c, deps));
}
