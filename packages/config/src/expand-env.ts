import type { ConfigResult } from './layered.ts';

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${env:NAME}` in every string of a parsed config file, so secrets
 * (routing keys, passwords) stay out of the file. An unset variable is a
 * problem at the path of the string that names it, not an empty value.
 */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv): ConfigResult<unknown> {
  try {
    return { ok: true, data: walk(value, env, []) };
  } catch (err) {
    if (err instanceof UnsetVariable) return { ok: false, path: err.path, message: err.message };
    throw err;
  }
}

class UnsetVariable extends Error {
  readonly path: string;
  constructor(path: string, name: string) {
    super(`environment variable ${name} is not set`);
    this.path = path;
  }
}

function walk(value: unknown, env: NodeJS.ProcessEnv, path: (string | number)[]): unknown {
  if (typeof value === 'string')
    return value.replace(REFERENCE, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new UnsetVariable(path.join('.') || '(root)', name);
      return v;
    });
  if (Array.isArray(value)) return value.map((v, i) => walk(v, env, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, env, [...path, k])]));
  return value;
}
