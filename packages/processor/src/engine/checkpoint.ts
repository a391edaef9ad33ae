import { z } from 'zod';
import { CheckpointError } from '../errors.ts';

/**
 * What a shard needs to resume exactly: replay the input from `position` with
 * stream time and the force-close watermark as they were just before that
 * record, and drop contributions to windows ending at or before
 * `emittedUpToMs` (those were emitted before the restart).
 */
export interface Checkpoint {
  /** The first input position to replay (for Kafka: the offset to commit). */
  position: bigint;
  streamTimeMs: number;
  forcedClosedEndMs: number;
  emittedUpToMs: number;
}

const finiteOrNull = z.number().finite().nullable();
const wireSchema = z.object({
  v: z.literal(1),
  streamTimeMs: finiteOrNull,
  forcedClosedEndMs: finiteOrNull,
  emittedUpToMs: finiteOrNull,
});

/** The checkpoint as the string stored with a committed offset (JSON; -Infinity as null). */
export function encodeCheckpointMetadata(c: Checkpoint): string {
  const f = (n: number): number | null => (Number.isFinite(n) ? n : null);
  return JSON.stringify({
    v: 1,
    streamTimeMs: f(c.streamTimeMs),
    forcedClosedEndMs: f(c.forcedClosedEndMs),
    emittedUpToMs: f(c.emittedUpToMs),
  });
}

/**
 * Reads the checkpoint stored with a committed offset. No metadata (a group
 * that never ran telltale) means a fresh start at that offset; metadata that
 * is not ours is an error, since guessing would double count or lose data.
 */
export function decodeCheckpointMetadata(position: bigint, metadata: string | null | undefined): Checkpoint {
  const ninf = Number.NEGATIVE_INFINITY;
  if (!metadata) return { position, streamTimeMs: ninf, forcedClosedEndMs: ninf, emittedUpToMs: ninf };
  let raw: unknown;
  try {
    raw = JSON.parse(metadata);
  } catch {
    throw new CheckpointError(`offset metadata is not a telltale checkpoint: ${JSON.stringify(metadata.slice(0, 80))}`);
  }
  const r = wireSchema.safeParse(raw);
  if (!r.success) throw new CheckpointError(`offset metadata is not a telltale checkpoint v1: ${r.error.message}`);
  const n = (x: number | null): number => (x === null ? ninf : x);
  return {
    position,
    streamTimeMs: n(r.data.streamTimeMs),
    forcedClosedEndMs: n(r.data.forcedClosedEndMs),
    emittedUpToMs: n(r.data.emittedUpToMs),
  };
}
