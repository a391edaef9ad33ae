import type { Logger } from 'pino';

/**
 * Sends process warnings to the service's log as JSON instead of a bare line
 * on stderr, and returns a function that puts back the listeners it replaced.
 *
 * One warning is dropped: kafkajs 2.2.4 arms a timer with `throttledUntil -
 * Date.now()` before any throttle is known, which Node.js 24 reports as a
 * TimeoutNegativeWarning at every connect (tulios/kafkajs#1751). The timer
 * fires after 1 ms, which is what kafkajs means, so the warning says nothing
 * an operator can act on.
 */
export function logProcessWarnings(logger: Logger): () => void {
  const replaced = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (warning: Error): void => {
    if (isKafkajsNegativeTimeout(warning)) return;
    logger.warn({ err: warning }, `process warning: ${warning.name}`);
  };
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
    for (const l of replaced) process.on('warning', l);
  };
}

/** The negative timer of kafkajs's request queue; any other negative timer is still reported. */
export function isKafkajsNegativeTimeout(warning: Error): boolean {
  return (
    warning.name === 'TimeoutNegativeWarning' &&
    /kafkajs[\\/]src[\\/]network[\\/]requestQueue[\\/]/.test(warning.stack ?? '')
  );
}
