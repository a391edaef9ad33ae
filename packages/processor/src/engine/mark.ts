/**
 * Where in its input a piece of state began: the position of the first record
 * that contributed to it, with the shard's stream time and force-close
 * watermark as they were just before that record. Replaying the input from
 * `position` with these two values restored rebuilds exactly the state that
 * record started.
 */
export interface Mark {
  position: bigint;
  /** Max span end time seen before the record; -Infinity before any. */
  streamTimeMs: number;
  /** End of the newest window closed early by the open-window cap; -Infinity when none. */
  forcedClosedEndMs: number;
}

export function earlier(a: Mark, b: Mark): Mark {
  return b.position < a.position ? b : a;
}
