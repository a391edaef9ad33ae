/**
 * How many traces may be held open at once, shared by every engine of a
 * process: memory is per process, however many partitions it owns. When the
 * budget is spent, a new trace skips the join (counted as overflow).
 */
export class TraceBudget {
  readonly max: number;
  open = 0;

  constructor(max: number) {
    if (!(max >= 0)) throw new RangeError(`trace budget must be non-negative, got ${max}`);
    this.max = max;
  }

  get full(): boolean {
    return this.open >= this.max;
  }
}
