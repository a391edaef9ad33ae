/**
 * The benchmark harness. A benchmark is one file `bench/<name>.bench.ts` that
 * calls `runBenchmark` at top level. Each measures its subject and an anchor
 * (the same work done the plain way) in the same process, medians over several
 * runs after a warm-up, and prints one JSON result as its last line.
 */

export interface BenchmarkSpec {
  /** Name as `npm run bench -- NAME` selects it; the file is bench/NAME.bench.ts. */
  name: string;
  /** Unit of `value` and `anchor_value`, e.g. `ns/call`, `spans/s`, `MB`. */
  unit: string;
  /** What the anchor is, in a few words. */
  anchor: string;
  /** Measured runs after the warm-up. Default 5. */
  runs?: number;
  /** Unmeasured runs first, for the JIT and caches. Default 1. */
  warmup?: number;
  /** One measurement of the subject, in `unit`. */
  value: () => number | Promise<number>;
  /** One measurement of the anchor, in `unit`. */
  anchorValue: () => number | Promise<number>;
}

export interface BenchmarkResult {
  name: string;
  value: number;
  unit: string;
  anchor: string;
  anchor_value: number;
  ratio: number;
  runs: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Subject and anchor alternate run by run, so drift in the machine hits both alike. */
export async function runBenchmark(spec: BenchmarkSpec): Promise<BenchmarkResult> {
  const runs = spec.runs ?? 5;
  const warmup = spec.warmup ?? 1;
  for (let i = 0; i < warmup; i++) {
    await spec.value();
    await spec.anchorValue();
  }
  const values: number[] = [];
  const anchors: number[] = [];
  for (let i = 0; i < runs; i++) {
    values.push(await spec.value());
    anchors.push(await spec.anchorValue());
  }
  const value = median(values);
  const anchorValue = median(anchors);
  const result: BenchmarkResult = {
    name: spec.name,
    value: round(value),
    unit: spec.unit,
    anchor: spec.anchor,
    anchor_value: round(anchorValue),
    ratio: round(value / anchorValue, 4),
    runs,
  };
  console.log(
    `${spec.name}: runs ${values.map((v) => round(v)).join(', ')} | anchor ${anchors.map((v) => round(v)).join(', ')}`,
  );
  console.log(JSON.stringify(result));
  return result;
}

/** Nanoseconds per call of `fn`, timed over `iterations` calls. */
export async function nsPerCall(iterations: number, fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  return Number(process.hrtime.bigint() - start) / iterations;
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
