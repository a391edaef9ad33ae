// A process for stop-on-signals.test.ts: `stop` takes STOP_MS and fails when STOP_FAILS is set.
import { pino } from 'pino';
import { stopOnSignals } from '../src/stop-on-signals.ts';

const logger = pino({ level: 'info' });
const stopMs = Number(process.env.STOP_MS ?? '0');
stopOnSignals(
  () =>
    new Promise<void>((resolve, reject) =>
      setTimeout(() => (process.env.STOP_FAILS ? reject(new Error('disk full')) : resolve()), stopMs),
    ),
  { logger, stopping: 'stopping: finishing up' },
);
setInterval(() => {}, 1_000);
process.stdout.write('ready\n');
