import type { Logger } from 'pino';

export interface StopOnSignalsOptions {
  logger: Logger;
  /** Logged with the signal when stopping begins; say what the stop does. */
  stopping?: string;
}

/**
 * Graceful stop on SIGTERM and SIGINT. The first signal runs `stop` and exits
 * 0 once it resolves, 1 if it fails; a second signal exits 1 at once (Ctrl-C
 * twice, or an operator who will not wait for the batch in hand).
 */
export function stopOnSignals(stop: () => Promise<void>, options: StopOnSignalsOptions): void {
  const { logger } = options;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'stopping already; exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, options.stopping ?? 'stopping');
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
