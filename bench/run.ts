/**
 * `npm run bench` runs every bench/*.bench.ts; `npm run bench -- NAME [NAME…]`
 * runs the named ones. Each runs in its own Node process (so one benchmark's
 * heap never skews another's), its output passes through, and the JSON object
 * on its last line is collected into bench/results.json.
 */
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkResult } from './harness.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

const available = (await readdir(benchDir)).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ') || '(none)'}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? wanted : available;
if (selected.length === 0) {
  console.log('no benchmarks in bench/ yet');
  process.exit(0);
}

const results: BenchmarkResult[] = [];
let failed = 0;
for (const name of selected) {
  const lastLine = await runOne(name);
  try {
    results.push(JSON.parse(lastLine) as BenchmarkResult);
  } catch {
    failed++;
    console.error(`${name}: last line is not a JSON result: ${lastLine}`);
  }
}
await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${results.length} result(s) to bench/results.json`);
if (failed > 0) process.exit(1);

function runOne(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', join(benchDir, `${name}${SUFFIX}`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        failed++;
        console.error(`${name}: exited with code ${code}`);
      }
      resolve(out.trimEnd().split('\n').at(-1) ?? '');
    });
  });
}
