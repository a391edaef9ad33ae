/**
 * Tumbling windows by event time (Kafka Streams words): a window is one
 * interval [startMs, endMs); it closes when the shard's stream time reaches
 * endMs + graceMs, and spans that arrive for a closed window are late.
 */
export interface WindowSpec {
  sizeMs: number;
  graceMs: number;
}

/** Start of the window holding `timeMs`; windows are aligned to the Unix epoch. */
export function windowStart(spec: WindowSpec, timeMs: number): number {
  return Math.floor(timeMs / spec.sizeMs) * spec.sizeMs;
}
