/**
 * The processor's errors. Expected failures on the hot path (undecodable
 * input, unknown values) are results and counters, never exceptions; these
 * are for what must stop start-up or a batch.
 */
export class ProcessorError extends Error {
  override name = 'ProcessorError';
}

/** A bad configuration value: names the field path so the operator can fix it. */
export class ConfigError extends ProcessorError {
  override name = 'ConfigError';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`invalid config at ${path}: ${message}`);
    this.path = path;
  }
}

/** A price table entry that cannot be represented exactly, or a malformed table. */
export class PriceTableError extends ProcessorError {
  override name = 'PriceTableError';
}

/** A checkpoint stored with a committed offset that this version cannot read. */
export class CheckpointError extends ProcessorError {
  override name = 'CheckpointError';
}
