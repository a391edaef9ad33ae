import { loadLayeredConfig } from '@telltale/config';
import { ConfigError } from '../errors.ts';
import { ENV_VARS, type ProcessorConfig, processorConfigSchema } from './schema.ts';

/**
 * The configuration from an optional YAML file (where `${env:NAME}` is
 * replaced by that variable) overlaid with TELLTALE_* environment variables,
 * validated once. A bad value throws ConfigError naming the field's path (and
 * the variable, when it came from env).
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): ProcessorConfig {
  const result = loadLayeredConfig({ schema: processorConfigSchema, envVars: ENV_VARS, ...options });
  if (!result.ok) throw new ConfigError(result.path, result.message);
  return result.data;
}
