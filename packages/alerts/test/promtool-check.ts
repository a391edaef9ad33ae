import { spawnSync } from 'node:child_process';
import { requireCommand } from '../../../test/infra/index.ts';

/** Runs the real `promtool check metrics` on an exposition; returns its complaints (empty when clean). */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const bin = requireCommand('promtool', 'install it with `apt-get install prometheus` (Debian package)');
  const r = spawnSync(bin, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}
