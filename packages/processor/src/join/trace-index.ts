/**
 * Trace id → slot, an open-addressing hash table with linear probing in one
 * Int32Array. A Map did this before, each trace inserted once and deleted
 * once; its lookups and deletes were ≈ 8 % of the whole path in a profile.
 * Here a delete shifts the probe run back (no tombstones to rehash away)
 * and nothing is allocated until the table doubles.
 */
export class TraceIndex {
  /** slot + 1 per bucket; 0 is empty. */
  #buckets = new Int32Array(2048);
  #mask = 2047;
  #size = 0;
  /** Each indexed slot's hash: a delete re-homes the rest of its probe run without hashing their ids again. */
  #hashOf = new Int32Array(1024);
  /** The id held by each slot (the store's column, read through). */
  readonly #ids: (slot: number) => string;

  constructor(ids: (slot: number) => string) {
    this.#ids = ids;
  }

  get size(): number {
    return this.#size;
  }

  /** The slot holding `id`; -1 when none. */
  get(id: string): number {
    const buckets = this.#buckets;
    const mask = this.#mask;
    const h = hash(id);
    for (let b = h & mask; ; b = (b + 1) & mask) {
      const v = buckets[b] as number;
      if (v === 0) return -1;
      if (this.#hashOf[v - 1] === h && this.#ids(v - 1) === id) return v - 1;
    }
  }

  /** Adds `slot` under its id, which must not be in the index. */
  add(slot: number): void {
    // Kept at most half full: probe runs stay short.
    if (2 * (this.#size + 1) > this.#buckets.length) this.#grow();
    if (slot >= this.#hashOf.length) {
      let n = this.#hashOf.length * 2;
      while (n <= slot) n *= 2;
      const hashes = new Int32Array(n);
      hashes.set(this.#hashOf);
      this.#hashOf = hashes;
    }
    this.#hashOf[slot] = hash(this.#ids(slot));
    this.#insert(slot);
    this.#size++;
  }

  /** Removes `slot`; false when it was not in the index. */
  delete(slot: number): boolean {
    const buckets = this.#buckets;
    const mask = this.#mask;
    if (slot >= this.#hashOf.length) return false;
    let b = (this.#hashOf[slot] as number) & mask;
    for (; ; b = (b + 1) & mask) {
      const v = buckets[b] as number;
      if (v === 0) return false;
      if (v === slot + 1) break;
    }
    // Backward-shift deletion: move later members of the run into the hole when their home allows.
    for (let next = (b + 1) & mask; ; next = (next + 1) & mask) {
      const v = buckets[next] as number;
      if (v === 0) break;
      const home = (this.#hashOf[v - 1] as number) & mask;
      // Movable when its home is not in (b, next] (cyclically).
      if (b <= next ? home <= b || home > next : home <= b && home > next) {
        buckets[b] = v;
        b = next;
      }
    }
    buckets[b] = 0;
    this.#size--;
    return true;
  }

  /** Every indexed slot, in bucket order. */
  *slots(): IterableIterator<number> {
    const buckets = this.#buckets;
    for (let b = 0; b < buckets.length; b++) {
      const v = buckets[b] as number;
      if (v !== 0) yield v - 1;
    }
  }

  clear(): void {
    this.#buckets.fill(0);
    this.#size = 0;
  }

  #insert(slot: number): void {
    const buckets = this.#buckets;
    const mask = this.#mask;
    let b = (this.#hashOf[slot] as number) & mask;
    while (buckets[b] !== 0) b = (b + 1) & mask;
    buckets[b] = slot + 1;
  }

  #grow(): void {
    const old = this.#buckets;
    this.#buckets = new Int32Array(old.length * 2);
    this.#mask = this.#buckets.length - 1;
    for (let b = 0; b < old.length; b++) {
      const v = old[b] as number;
      if (v !== 0) this.#insert(v - 1);
    }
  }
}

/**
 * FNV-1a over every character. Trace ids are random hex, but they come from
 * the outside: hashing only a prefix would let ids that share one pile up in
 * a single probe run.
 */
function hash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h | 0;
}
