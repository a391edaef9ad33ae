import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { expandEnv } from './expand-env.ts';
import { issueAt } from './issue.ts';

/** Where a bad value sits (`kafka.brokers`, `(root)`, `(file)`) and what is wrong with it. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigResult<T> = { ok: true; data: T } | ({ ok: false } & ConfigProblem);

export interface LayeredConfigOptions<S extends z.ZodType> {
  schema: S;
  /** Environment variable name → the config path it sets. */
  envVars: Readonly<Record<string, readonly string[]>>;
  /** Optional YAML file; `${env:NAME}` in its strings is replaced by that variable. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The configuration from an optional YAML file overlaid with environment
 * variables, validated once by `schema`. Nothing is half-applied: the result
 * is the whole config, or the first problem with the path of the bad field
 * (and the variable's name, when the value came from the environment).
 */
export function loadLayeredConfig<S extends z.ZodType>(opts: LayeredConfigOptions<S>): ConfigResult<z.output<S>> {
  const env = opts.env ?? process.env;
  let raw: Record<string, unknown> = {};
  if (opts.file) {
    const fromFile = readYamlMapping(opts.file, env);
    if (!fromFile.ok) return fromFile;
    raw = fromFile.data;
  }
  const fromEnv = new Map<string, string>();
  for (const [name, path] of Object.entries(opts.envVars)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    setPath(raw, path, v);
    fromEnv.set(path.join('.'), name);
  }
  return validateConfig(opts.schema, raw, fromEnv);
}

/** Validates a config object against `schema`; a problem names the first bad field. */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  fromEnv: ReadonlyMap<string, string> = new Map(),
): ConfigResult<z.output<S>> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, data: r.data };
  const issue = issueAt(r.error.issues[0]);
  const path = issue.path.join('.') || '(root)';
  const envName = fromEnv.get(path);
  return { ok: false, path, message: `${issue.message}${envName ? ` (from ${envName})` : ''}` };
}

function readYamlMapping(file: string, env: NodeJS.ProcessEnv): ConfigResult<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, path: '(file)', message: `cannot read ${file}: ${(err as Error).message}` };
  }
  let parsed: unknown;
  try {
    // Merge keys (<<) are YAML 1.1; yaml reads 1.2 and would keep `<<` as a plain key, silently.
    parsed = parseYaml(text, { merge: true });
  } catch (err) {
    return { ok: false, path: '(file)', message: `${file} is not valid YAML: ${(err as Error).message}` };
  }
  if (parsed === null || parsed === undefined) return { ok: true, data: {} };
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, path: '(root)', message: `${file} must hold a mapping` };
  const expanded = expandEnv(parsed, env);
  if (!expanded.ok) return expanded;
  return { ok: true, data: expanded.data as Record<string, unknown> };
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
