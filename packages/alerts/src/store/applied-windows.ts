import type { AggregateRecord } from '@telltale/conventions';

/** Slots per chunk: 1024 windows (2.8 h of 10 s windows) in 128 bytes. */
const CHUNK_SLOTS = 1024;
const CHUNK_WORDS = CHUNK_SLOTS / 32;

/**
 * Which aggregates were applied. An aggregate id is a hash of (shard, window,
 * key), so the store remembers those instead of the ids: per stream (shard,
 * key and window size) one bit per window, in chunks of 1024 windows. 525 600
 * ids (3 days of 10 s windows of 20 streams) take 64 KB instead of ~100 MB of
 * strings. Windows not aligned to their size fall back to a set of starts.
 *
 * Windows ending at or before `cutoffMs` are forgotten, and refused by age
 * instead, so every aggregate is applied at most once however late a replay
 * comes.
 */
export class AppliedWindows {
  /** stream → chunk index → bits */
  readonly #streams = new Map<string, { sizeMs: number; chunks: Map<number, Uint32Array> }>();
  /** stream → window starts, for windows not aligned to their size */
  readonly #unaligned = new Map<string, Map<number, number>>();
  #count = 0;
  /** Windows ending at or before this were forgotten: refuse them. Only moves forward. */
  cutoffMs = Number.NEGATIVE_INFINITY;

  has(a: AggregateRecord): boolean {
    const { startMs, endMs } = a.window;
    const key = streamKey(a);
    const sizeMs = endMs - startMs;
    if (startMs % sizeMs !== 0) return this.#unaligned.get(key)?.has(startMs) ?? false;
    const slot = startMs / sizeMs;
    const bits = this.#streams.get(key)?.chunks.get(Math.floor(slot / CHUNK_SLOTS));
    if (!bits) return false;
    const bit = mod(slot, CHUNK_SLOTS);
    return ((bits[bit >> 5] as number) & (1 << (bit & 31))) !== 0;
  }

  add(a: AggregateRecord): void {
    const { startMs, endMs } = a.window;
    const key = streamKey(a);
    const sizeMs = endMs - startMs;
    this.#count++;
    if (startMs % sizeMs !== 0) {
      let starts = this.#unaligned.get(key);
      if (!starts) {
        starts = new Map();
        this.#unaligned.set(key, starts);
      }
      starts.set(startMs, endMs);
      return;
    }
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = { sizeMs, chunks: new Map() };
      this.#streams.set(key, stream);
    }
    const slot = startMs / sizeMs;
    const chunk = Math.floor(slot / CHUNK_SLOTS);
    let bits = stream.chunks.get(chunk);
    if (!bits) {
      bits = new Uint32Array(CHUNK_WORDS);
      stream.chunks.set(chunk, bits);
    }
    const bit = mod(slot, CHUNK_SLOTS);
    bits[bit >> 5] = (bits[bit >> 5] as number) | (1 << (bit & 31));
  }

  tooOld(windowEndMs: number): boolean {
    return windowEndMs <= this.cutoffMs;
  }

  /** Forgets the windows ending at or before `cutoffMs` (whole chunks of them). */
  forgetUpTo(cutoffMs: number): void {
    if (cutoffMs <= this.cutoffMs) return;
    this.cutoffMs = cutoffMs;
    for (const [key, stream] of this.#streams) {
      for (const [chunk, bits] of stream.chunks)
        if ((chunk + 1) * CHUNK_SLOTS * stream.sizeMs <= cutoffMs) {
          stream.chunks.delete(chunk);
          this.#count -= popcount(bits);
        }
      if (stream.chunks.size === 0) this.#streams.delete(key);
    }
    for (const [key, starts] of this.#unaligned) {
      for (const [start, end] of starts)
        if (end <= cutoffMs) {
          starts.delete(start);
          this.#count--;
        }
      if (starts.size === 0) this.#unaligned.delete(key);
    }
  }

  /** Windows remembered (an upper bound: some in a chunk may already be past the cutoff). */
  get size(): number {
    return this.#count;
  }

  toJSON(): AppliedWindowsJson {
    return {
      cutoffMs: Number.isFinite(this.cutoffMs) ? this.cutoffMs : null,
      streams: [...this.#streams].map(([key, s]) => [
        key,
        s.sizeMs,
        [...s.chunks].map(([c, bits]) => [
          c,
          Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64'),
        ]),
      ]),
      unaligned: [...this.#unaligned].map(([key, starts]) => [key, [...starts]]),
    };
  }

  static fromJSON(j: AppliedWindowsJson): AppliedWindows {
    const w = new AppliedWindows();
    if (j.cutoffMs !== null) w.cutoffMs = j.cutoffMs;
    for (const [key, sizeMs, chunks] of j.streams) {
      const map = new Map<number, Uint32Array>();
      for (const [c, b64] of chunks) {
        const buf = Buffer.from(b64, 'base64');
        const bits = new Uint32Array(CHUNK_WORDS);
        new Uint8Array(bits.buffer).set(buf.subarray(0, CHUNK_WORDS * 4));
        map.set(c, bits);
        w.#count += popcount(bits);
      }
      w.#streams.set(key, { sizeMs, chunks: map });
    }
    for (const [key, starts] of j.unaligned) {
      w.#unaligned.set(key, new Map(starts));
      w.#count += starts.length;
    }
    return w;
  }
}

export interface AppliedWindowsJson {
  cutoffMs: number | null;
  streams: [string, number, [number, string][]][];
  unaligned: [string, [number, number][]][];
}

/** The stream an aggregate belongs to: everything its id hashes except the window start. */
function streamKey(a: AggregateRecord): string {
  return JSON.stringify([a.shard, a.key.service, a.key.workflow, a.key.tenant, a.window.endMs - a.window.startMs]);
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

function popcount(bits: Uint32Array): number {
  let n = 0;
  for (let v of bits) {
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}
