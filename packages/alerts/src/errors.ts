/**
 * The alert service's errors. Expected failures on the hot path (a bad
 * aggregate, a duplicate id, a failed delivery) are results and counters, never
 * exceptions; these are for what must stop start-up.
 */
export class AlertsError extends Error {
  override name = 'AlertsError';
}

/** A bad configuration value: names the field path so the operator can fix it. */
export class ConfigError extends AlertsError {
  override name = 'ConfigError';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`invalid config at ${path}: ${message}`);
    this.path = path;
  }
}

/** A bad rule file: names the rule (index and name) and the field path. */
export class RuleFileError extends AlertsError {
  override name = 'RuleFileError';
  readonly file: string;
  readonly path: string;
  constructor(file: string, path: string, message: string) {
    super(`invalid rule file ${file} at ${path}: ${message}`);
    this.file = file;
    this.path = path;
  }
}

/** A state file (alert state, applied ids) this version cannot read. */
export class StateFileError extends AlertsError {
  override name = 'StateFileError';
}
