/**
 * The seeded PRNG (mulberry32) every test workload and benchmark fixture
 * draws from, so a seed reproduces the same data on every run.
 * (examples/support-assistant keeps its own copy: it stands alone.)
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
