/**
 * What the pager reports about deliveries, so /metrics shows notification
 * attempts and failures per channel. Its shape is the pager's `onDelivery`
 * callback, so `onDelivery: (...a) => metrics.recordDelivery(...a)` wires it.
 */
export interface DeliveryMetrics {
  /**
   * One notification's final outcome at one channel, after the channel's own
   * retries: adds `attempts` to the attempts counter, and 1 to the failures
   * counter when `ok` is false.
   */
  recordDelivery(channel: string, ok: boolean, attempts: number): void;
}
