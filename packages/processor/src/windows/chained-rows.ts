/**
 * Rows of numbers in one Float64Array grown by doubling, each row on one
 * owner's chain: column NAME holds the row's name id, column NEXT the next
 * row of the chain (-1 ends it), the other columns the caller's counts. The
 * owner keeps its chain's head. Rows are only ever appended, so a new row's
 * counts start at zero.
 */
export class ChainedRows {
  readonly stride: number;
  /** The rows, at row * stride + column. Re-read after `add`, which may replace it. */
  data: Float64Array<ArrayBuffer>;
  #rows = 0;

  /** `stride` counts NAME and NEXT. */
  constructor(stride: number, initialRows = 64) {
    this.stride = stride;
    this.data = new Float64Array(initialRows * stride);
  }

  /** The row of `name` on the chain from `head`, or -1. */
  find(head: number, name: number): number {
    const data = this.data;
    const stride = this.stride;
    let row = head;
    while (row >= 0 && data[row * stride + NAME] !== name) row = data[row * stride + NEXT] as number;
    return row;
  }

  /** A new row for `name` chained ahead of `head`: the owner's new head. */
  add(name: number, head: number): number {
    const row = this.#rows++;
    if (this.#rows * this.stride > this.data.length) this.data = grow(this.data, this.#rows * this.stride);
    const q = row * this.stride;
    this.data[q + NAME] = name;
    this.data[q + NEXT] = head;
    return row;
  }

  /** The rows on the chain from `head`, newest first. */
  chain(head: number): number[] {
    const rows: number[] = [];
    for (let row = head; row >= 0; row = this.data[row * this.stride + NEXT] as number) rows.push(row);
    return rows;
  }
}

export const NAME = 0;
export const NEXT = 1;

/** `a` copied into a zeroed array of at least `atLeast` elements, doubling its length. */
export function grow(a: Float64Array, atLeast: number): Float64Array<ArrayBuffer> {
  let n = a.length * 2;
  while (n < atLeast) n *= 2;
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
