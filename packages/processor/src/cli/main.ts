#!/usr/bin/env node
import { logProcessWarnings, stopOnSignals } from '@telltale/service';
import { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { ProcessorConfig } from '../config/schema.ts';
import { loadPriceTable } from '../cost/price-table.ts';
import { decoderFor } from '../decode/decoders.ts';
import { ConfigError, PriceTableError } from '../errors.ts';
import { runProcessor } from './run.ts';

/**
 * telltale-processor: reads OTLP spans from Kafka, writes window aggregates,
 * safety events and DLQ records. Config from TELLTALE_* env and an optional
 * YAML file; a bad value stops start-up with the field's path (exit 2).
 */
const program = new Command()
  .name('telltale-processor')
  .description('Kafka stream processor: OTLP spans → AI reliability window aggregates and safety events')
  .option('-c, --config <file>', 'YAML config file (env TELLTALE_* wins over it)')
  .option('--check-config', 'validate the configuration, print it (secrets masked) and exit')
  .parse();

const opts = program.opts<{ config?: string; checkConfig?: boolean }>();

let config: ProcessorConfig;
try {
  config = loadConfig(opts.config ? { file: opts.config } : {});
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`telltale-processor: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

if (opts.checkConfig) {
  // The price file is part of the configuration: a bad one must fail here, not only at `run`.
  try {
    loadPriceTable(config.prices.file);
  } catch (err) {
    if (!(err instanceof PriceTableError)) throw err;
    process.stderr.write(`telltale-processor: ${err.message}\n`);
    process.exit(2);
  }
  const masked = structuredClone(config);
  if (masked.kafka.sasl) masked.kafka.sasl.password = '***';
  process.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
  process.exit(0);
}

const logger = pino({ name: 'telltale-processor', level: config.log.level });
logProcessWarnings(logger);

try {
  const running = await runProcessor(config, logger, decoderFor(config.encoding, { maxBytes: config.maxRecordBytes }));
  stopOnSignals(() => running.stop(), {
    logger,
    stopping: 'stopping: finishing the batch in hand, emitting, committing',
  });
  running.crashed.then((err) => {
    logger.fatal({ err }, 'consumer crashed for good; exiting so the supervisor restarts it');
    process.exit(1);
  });
} catch (err) {
  if (err instanceof PriceTableError) {
    logger.fatal(err.message);
    process.exit(2);
  }
  logger.fatal({ err }, 'failed to start');
  process.exit(1);
}
