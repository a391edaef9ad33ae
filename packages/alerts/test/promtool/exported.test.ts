import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPrometheusRules } from '../../src/export/prometheus-rules.ts';
import { loadRuleFile } from '../../src/rules/load.ts';

const here = import.meta.dirname;

describe('the promtool tests shipped in this folder', () => {
  it('ships rules.exported.yml as the current export of rules.yaml', async () => {
    const fresh = exportPrometheusRules(loadRuleFile(join(here, 'rules.yaml')), { source: 'rules.yaml' });
    const shipped = join(here, 'rules.exported.yml');
    if (process.env.TELLTALE_UPDATE_EXPORTS === '1') await writeFile(shipped, fresh);
    // If this fails after a change to the exporter: TELLTALE_UPDATE_EXPORTS=1 npx vitest run --project unit packages/alerts/test/promtool
    expect(await readFile(shipped, 'utf8')).toBe(fresh);
  });
});
