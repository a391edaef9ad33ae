import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where downloaded and built artifacts (Kafka jars, the collector binary) live
 * between runs: outside the repo so a clean clone reuses them.
 * TELLTALE_CACHE_DIR overrides; default ~/.cache/telltale.
 */
export function cacheDir(...sub: string[]): string {
  const dir = join(process.env.TELLTALE_CACHE_DIR ?? join(homedir(), '.cache', 'telltale'), ...sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const COMPLETE = '.complete';

/**
 * Whether `dir` holds a finished download or build: the marker is written
 * last, so an interrupted run (half the jars copied, a build killed) is
 * redone instead of being taken for a cached one.
 */
export function isComplete(dir: string): boolean {
  return existsSync(join(dir, COMPLETE));
}

export function markComplete(dir: string): void {
  writeFileSync(join(dir, COMPLETE), `${new Date().toISOString()}\n`);
}
