/**
 * The aggregate ids already applied, each with its window's end, so they can
 * be forgotten once their window is older than the store keeps. An aggregate
 * whose window ended at or before the forget cutoff is refused by age instead,
 * so every id is applied at most once however late a replay comes.
 */
export class AppliedIds {
  readonly #ids = new Map<string, number>();
  /** Windows ending at or before this were forgotten: refuse them. Only moves forward. */
  cutoffMs = Number.NEGATIVE_INFINITY;

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string, windowEndMs: number): void {
    this.#ids.set(id, windowEndMs);
  }

  tooOld(windowEndMs: number): boolean {
    return windowEndMs <= this.cutoffMs;
  }

  /** Forgets the ids of windows ending at or before `cutoffMs`. */
  forgetUpTo(cutoffMs: number): void {
    if (cutoffMs <= this.cutoffMs) return;
    this.cutoffMs = cutoffMs;
    for (const [id, end] of this.#ids) if (end <= cutoffMs) this.#ids.delete(id);
  }

  get size(): number {
    return this.#ids.size;
  }

  entries(): IterableIterator<[string, number]> {
    return this.#ids.entries();
  }
}
