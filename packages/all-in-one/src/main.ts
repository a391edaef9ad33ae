#!/usr/bin/env node
import { logProcessWarnings, stopOnSignals } from '@telltale/service';
import { CommanderError } from 'commander';
import { startAllInOne } from './all-in-one.ts';
import { resolveOptions } from './cli-options.ts';
import { createLogger } from './logger.ts';
import { type AllInOneOptions, OptionsError } from './options.ts';
import { PortInUseError } from './ports.ts';

/**
 * `npm start`: the all-in-one. Exit codes: 0 after Ctrl-C (or SIGTERM),
 * 1 when it cannot start (a port in use, ...), 2 for a bad option.
 */
let options: AllInOneOptions;
try {
  options = resolveOptions(process.argv.slice(2)).options;
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof OptionsError) {
    process.stderr.write(`telltale: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = createLogger(options.logLevel);
logProcessWarnings(logger);
// Before starting: a signal while it starts stops it once started (the demo is a child process to end).
const starting = startAllInOne(options, logger);
stopOnSignals(async () => (await starting).stop(), { logger });
try {
  await starting;
} catch (err) {
  if (err instanceof PortInUseError) process.stderr.write(`telltale: ${err.message}\n`);
  else logger.fatal({ err }, 'telltale could not start');
  process.exit(1);
}
