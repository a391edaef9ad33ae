#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { listenOn } from '../ports.ts';
import { startPagerLog } from './server.ts';

/**
 * telltale-pager-log: the webhook the compose stack's Alertmanager delivers
 * to. Prints one line per trigger and resolve on stdout; its own logs are
 * pino JSON on stderr.
 */
const port = (v: string): number => {
  // Number('') is 0, "any port": blank text is no port number.
  const n = /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0-65535');
  return n;
};
// Env through commander too, so a bad TELLTALE_PAGER_LOG_PORT gets the same one-line error as a bad --port.
const opts = new Command()
  .name('telltale-pager-log')
  .description('Alertmanager webhook receiver that prints one line per trigger and resolve')
  .addOption(new Option('--host <host>', 'address to listen on').env('TELLTALE_PAGER_LOG_HOST').default('0.0.0.0'))
  .addOption(
    new Option('--port <port>', 'port to listen on').env('TELLTALE_PAGER_LOG_PORT').argParser(port).default(9099),
  )
  .parse()
  .opts<{ host: string; port: number }>();

const logger = pino({ name: 'telltale-pager-log' }, pino.destination(2));
try {
  const server = await listenOn(
    () =>
      startPagerLog({
        host: opts.host,
        port: opts.port,
        logger,
        write: (line) => process.stdout.write(`${line}\n`),
      }),
    opts.port,
    'webhook receiver',
    { flag: '--port', env: 'TELLTALE_PAGER_LOG_PORT' },
  );
  logger.info({ port: server.port }, `receiving Alertmanager webhooks on http://${opts.host}:${server.port}/`);
  const stop = (): void => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (err) {
  logger.fatal(`failed to start: ${(err as Error).message}`);
  process.exit(1);
}
