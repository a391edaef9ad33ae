import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
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
  const env = options.env ?? process.env;
  let raw: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError('(file)', `cannot read ${options.file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      throw new ConfigError('(file)', `${options.file} is not valid YAML: ${(err as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed))
        throw new ConfigError('(root)', `${options.file} must hold a mapping`);
      raw = expandEnv(parsed, env, []) as Record<string, unknown>;
    }
  }
  const fromEnv = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    setPath(raw, path, v);
    fromEnv.set(path.join('.'), name);
  }
  return parseConfig(raw, fromEnv);
}

/** Validates a config object (defaults applied); ConfigError names the first bad field. */
export function parseConfig(raw: AlertsConfigInput | Record<string, unknown>, fromEnv = new Map<string, string>()) {
  const r = alertsConfigSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.map(String).join('.') || '(root)';
    const envName = fromEnv.get(path);
    throw new ConfigError(path, `${issue?.message ?? 'invalid'}${envName ? ` (from ${envName})` : ''}`);
  }
  return r.data;
}

function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[]): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new ConfigError(path.join('.') || '(root)', `environment variable ${name} is not set`);
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k])]));
  return value;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  path.forEach((key, i) => {
    if (i === path.length - 1) cur[key] = value;
    else {
      const next = cur[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[key] = {};
      cur = cur[key] as Record<string, unknown>;
    }
  });
}
