import type { DeliveryResult, NotificationChannel } from '../notify/notification.ts';

/**
 * What the pager reports about deliveries, so /metrics shows notification
 * attempts and failures per channel. The service passes its AlertMetrics,
 * which implements this; tests may pass their own.
 */
export interface DeliveryMetrics {
  /**
   * One notification's final outcome at one channel, after the channel's
   * retries: adds `result.attempts` to the attempts counter, and 1 to the
   * failures counter when `result.ok` is false.
   */
  recordDelivery(channel: Pick<NotificationChannel, 'name' | 'type'>, result: DeliveryResult): void;
}
