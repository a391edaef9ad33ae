import { type KafkaConfig, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

/** Routes kafkajs's own log lines into pino, at the matching level. */
export function pinoLogCreator(logger: Logger): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      if (level === logLevel.ERROR) logger.error(extra, message);
      else if (level === logLevel.WARN) logger.warn(extra, message);
      else if (level === logLevel.INFO) logger.info(extra, message);
      else logger.debug(extra, message);
    };
}
