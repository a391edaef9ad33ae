import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCommand } from '../../../../test/infra/index.ts';
import { exportPrometheusRules } from '../../src/export/prometheus-rules.ts';
import { DEFAULT_RULES_FILE, loadRuleFile } from '../../src/rules/load.ts';

const run = promisify(execFile);
const here = import.meta.dirname;
const repoRoot = join(here, '..', '..', '..', '..');

/** `promtool <args>`, resolving with its output whether it passes or fails. */
async function promtool(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  const bin = requireCommand('promtool', 'install the Debian package `prometheus` (.ci/run does this)');
  try {
    const { stdout, stderr } = await run(bin, args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The export as shipped in this folder (the header names the rule file by its name only). */
const exportOf = (file: string, source: string, tenantLabel = false) =>
  exportPrometheusRules(loadRuleFile(file), { source, tenantLabel });

describe('exported Prometheus rules under the real promtool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telltale-promtool-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['the package default rules', DEFAULT_RULES_FILE, false],
    ['the docker-compose rules', join(repoRoot, 'deploy', 'rules.yaml'), false],
    ['the promtool test rules', join(here, 'rules.yaml'), false],
    ['every rule kind and matcher form', join(here, 'all-kinds.rules.yaml'), true],
  ])('promtool check rules passes on the export of %s', async (_what, file, tenantLabel) => {
    const out = join(dir, 'check.yml');
    await writeFile(out, exportOf(file, file, tenantLabel));
    const result = await promtool(['check', 'rules', out], dir);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.code).toBe(0);
  });

  it('promtool test rules passes: the burn-rate alert fires on a degrading series and resolves after recovery', async () => {
    const tests = (await readdir(here)).filter((f) => f.endsWith('.test.yml'));
    expect(tests).toContain('tool-success-burn.test.yml');
    // Run against a fresh export, so the tests judge the exporter as it is now.
    await writeFile(join(dir, 'rules.exported.yml'), exportOf(join(here, 'rules.yaml'), 'rules.yaml'));
    for (const t of tests) await copyFile(join(here, t), join(dir, t));
    const result = await promtool(['test', 'rules', ...tests], dir);
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
