import { type ConfigResult, loadLayeredConfig, validateConfig } from '@telltale/config';
import { ConfigError } from '../errors.ts';
import { type AlertsConfig, type AlertsConfigInput, alertsConfigSchema, ENV_VARS } from './schema.ts';

/**
 * The configuration from an optional YAML file overlaid with TELLTALE_ALERTS_*
 * environment variables, validated once. In the file, `${env:NAME}` is
 * replaced by that variable (so secrets such as routing keys stay out of it).
 * A bad value throws ConfigError naming the field's path (and the variable,
 * when it came from env).
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): AlertsConfig {
  return orThrow(loadLayeredConfig({ schema: alertsConfigSchema, envVars: ENV_VARS, ...options }));
}

/** Validates a config object (defaults applied); ConfigError names the first bad field. */
export function parseConfig(raw: AlertsConfigInput | Record<string, unknown>): AlertsConfig {
  return orThrow(validateConfig(alertsConfigSchema, raw));
}

function orThrow(result: ConfigResult<AlertsConfig>): AlertsConfig {
  if (!result.ok) throw new ConfigError(result.path, result.message);
  return result.data;
}
