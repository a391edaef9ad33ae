/** `telltale-processor --check-config` checks what `run` would refuse at start-up, the price file included. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempFile } from '../../../../test/support/temp-file.ts';

const CLI = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('telltale-processor --check-config', () => {
  it('refuses a price file it cannot read, with exit 2 and the file named', () => {
    const config = tempFile('processor.yaml', 'prices:\n  file: /nonexistent-prices.yaml\n');
    const r = spawnSync(process.execPath, [CLI, '--config', config, '--check-config'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^telltale-processor: \/nonexistent-prices\.yaml: cannot read price file/);
  });

  it('prints the configuration with its password masked when all is well', () => {
    const r = spawnSync(process.execPath, [CLI, '--check-config'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        TELLTALE_KAFKA_SASL_MECHANISM: 'plain',
        TELLTALE_KAFKA_SASL_USERNAME: 'u',
        TELLTALE_KAFKA_SASL_PASSWORD: 'hunter2',
      },
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).kafka.sasl.password).toBe('***');
    expect(r.stdout).not.toContain('hunter2');
  });
});
