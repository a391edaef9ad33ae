/**
 * The same id as one flat string. Ids built by concatenation (hex pieces,
 * padding) are V8 cons strings: a tree of two or more string objects that a
 * Map lookup hashes but never flattens. An open trace keeps its ids for
 * seconds, and at 50 000 open traces those trees were most of the engine's
 * heap. `toLowerCase` hands back the flattened string when nothing changes
 * (ids are lowercase hex); a flat string comes back as itself, unallocated.
 */
export function flatId(id: string): string {
  const flat = id.toLowerCase();
  // Only a contract-breaking id (upper case) would differ; it is kept exactly as given.
  return flat === id ? flat : id;
}
