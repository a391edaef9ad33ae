import { mkdirSync } from 'node:fs';
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
