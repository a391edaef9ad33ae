import { stopOnSignals } from '@telltale/service';
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
  stopOnSignals(() => running.stop(), { logger, stopping: 'stopping: finishing the batch in hand, persisting state' });
  running.crashed.then((err) => {
    logger.fatal({ err }, 'Kafka consumer crashed for good; exiting so the supervisor restarts it');
    running.stop().finally(() => process.exit(1));
  });
}
