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

/** A bad rule file: names the rule (index and name) and the field path within it. */
export class RuleFileError extends AlertsError {
  override name = 'RuleFileError';
  readonly file: string;
  /** The rule's index in `rules`, when the problem is in one rule. */
  readonly index: number | undefined;
  readonly ruleName: string | undefined;
  /** The field path within the rule (or the file), dot-separated. */
  readonly path: string;
  constructor(file: string, where: { index?: number; ruleName?: string; path: string }, message: string) {
    const rule =
      where.index === undefined ? '' : `rules[${where.index}]${where.ruleName ? ` (${where.ruleName})` : ''} `;
    super(`invalid rule file ${file}: ${rule}at ${where.path || '(root)'}: ${message}`);
    this.file = file;
    this.index = where.index;
    this.ruleName = where.ruleName;
    this.path = where.path;
  }
}

/** A state file (alert state, applied ids) this version cannot read. */
export class StateFileError extends AlertsError {
  override name = 'StateFileError';
}
