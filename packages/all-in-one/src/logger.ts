import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { AllInOneOptions } from './options.ts';

export type LogLevel = AllInOneOptions['logLevel'];

/**
 * pino, pretty in a terminal and JSON lines otherwise (pipes, files, log
 * shippers). The pretty stream is synchronous, so lines keep their order with
 * the console pager's and nothing is lost on exit.
 */
export function createLogger(level: LogLevel, tty: boolean = process.stdout.isTTY === true): Logger {
  if (!tty) return pino({ name: 'telltale', level });
  return pino(
    { name: 'telltale', level },
    pretty({ colorize: true, sync: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,name' }),
  );
}
