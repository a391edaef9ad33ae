import type { Logger } from 'pino';
import type { AlertsConfig } from '../config/schema.ts';
import { createAlertService } from '../service/create.ts';

/**
 * `telltale-alerts run`: starts the service and stops it gracefully on
 * SIGTERM/SIGINT (stop consuming, finish the batch in hand, persist the
 * state, let deliveries under way finish, close the server).
 */
export async function runService(config: AlertsConfig, logger: Logger): Promise<void> {
  const running = await createAlertService(config, { logger });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing the batch in hand, persisting state');
    running.stop().then(
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
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  running.crashed.then((err) => {
    logger.fatal({ err }, 'Kafka consumer crashed for good; exiting so the supervisor restarts it');
    running.stop().finally(() => process.exit(1));
  });
}
