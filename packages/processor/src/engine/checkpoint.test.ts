import { describe, expect, it } from 'vitest';
import { type Checkpoint, decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint.ts';

describe('checkpoint in offset-commit metadata', () => {
  it('round-trips, including the -Infinity of a shard that has seen nothing', () => {
    const c: Checkpoint = {
      position: 12345678901234n,
      streamTimeMs: 1_748_736_000_123,
      forcedClosedEndMs: Number.NEGATIVE_INFINITY,
      emittedUpToMs: 1_748_735_990_000,
    };
    const meta = encodeCheckpointMetadata(c);
    expect(meta.length).toBeLessThan(4096);
    expect(decodeCheckpointMetadata(c.position, meta)).toEqual(c);
  });

  it('starts fresh at the committed offset when the commit carries no metadata', () => {
    expect(decodeCheckpointMetadata(7n, null)).toEqual({
      position: 7n,
      streamTimeMs: Number.NEGATIVE_INFINITY,
      forcedClosedEndMs: Number.NEGATIVE_INFINITY,
      emittedUpToMs: Number.NEGATIVE_INFINITY,
    });
  });

  it('refuses metadata it did not write rather than guess', () => {
    expect(() => decodeCheckpointMetadata(1n, 'written-by-someone-else')).toThrow(/not a telltale checkpoint/);
    expect(() => decodeCheckpointMetadata(1n, '{"v":2}')).toThrow(/not a telltale checkpoint v1/);
  });
});
