import type { EngineCounters } from '../engine/counters.ts';
import { earlier, type Mark } from '../engine/mark.ts';
import type { CardinalityLimits, OverflowReason } from './overflow.ts';
import { Window } from './window.ts';
import type { WindowSpec } from './window-spec.ts';

/** What the store asks of its owner when it must close a window before its time. */
export interface ForceCloseHooks {
  /** Adds to `w` whatever is still pending for it (the engine finishes the traces whose workflows it holds). */
  settle(w: Window): void;
  /** Emits `w`; the store has already removed it. */
  emit(w: Window): void;
}

/**
 * The open windows of one shard, with the cap on how many may be open and
 * the two watermarks below which a window counts as closed: the force-close
 * watermark (windows closed early by the cap) and, after a restart, the
 * watermark of windows already emitted before it.
 */
export class WindowStore {
  readonly spec: WindowSpec;
  /** End of the newest window closed early by the cap; -Infinity when none. */
  forcedClosedEndMs: number;
  /** Windows ending at or before this were emitted before a restart: a replay drops what it would add to them. */
  readonly suppressUpToMs: number;
  readonly #maxOpen: number;
  readonly #limits: CardinalityLimits;
  readonly #counters: EngineCounters;
  readonly #onOverflow: (reason: OverflowReason) => void;
  readonly #windows = new Map<number, Window>();
  /** The earliest end of an open window (+Infinity when none): most calls to takeClosed close nothing and stop here. */
  #earliestEndMs = Number.POSITIVE_INFINITY;
  /** The end of the newest window taken out as closed (takeClosed, takeAll); -Infinity when none. */
  #takenEndMs = Number.NEGATIVE_INFINITY;
  /** The window last returned while open; dropped whenever a window leaves the store. */
  #last: Window | undefined;
  #forceClosing = false;

  constructor(options: {
    spec: WindowSpec;
    maxOpen: number;
    limits: CardinalityLimits;
    counters: EngineCounters;
    forcedClosedEndMs: number;
    suppressUpToMs: number;
  }) {
    this.spec = options.spec;
    this.#maxOpen = options.maxOpen;
    this.#limits = options.limits;
    this.#counters = options.counters;
    this.forcedClosedEndMs = options.forcedClosedEndMs;
    this.suppressUpToMs = options.suppressUpToMs;
    this.#onOverflow = (reason) => {
      this.#counters.overflow[reason]++;
    };
  }

  get size(): number {
    return this.#windows.size;
  }

  /** Windows ending at or before this are closed, at stream time `streamTimeMs`. */
  closedEndMs(streamTimeMs: number): number {
    return Math.max(this.forcedClosedEndMs, streamTimeMs - this.spec.graceMs);
  }

  /**
   * Windows ending at or before this have left the store (closed and taken,
   * or closed early by the cap). A window whose close time stream time has
   * just reached is still here until takeClosed: what finishes first (the
   * traces due then) still counts in it.
   */
  get takenEndMs(): number {
    return Math.max(this.forcedClosedEndMs, this.#takenEndMs);
  }

  /**
   * The open window starting at `start`, opened if needed; undefined when
   * the contribution must be dropped (counted): its window was emitted before
   * a restart, or the open-window cap closed it early.
   */
  windowFor(start: number, mark: Mark, hooks: ForceCloseHooks): Window | undefined {
    const end = start + this.spec.sizeMs;
    if (end <= this.suppressUpToMs) {
      this.#counters.replaySuppressed++;
      return undefined;
    }
    // Spans of one record nearly always share a window: skip the lookup by a (heap-number) start time.
    const last = this.#last;
    if (last !== undefined && last.startMs === start) return last;
    const existing = this.#windows.get(start);
    if (existing) {
      this.#last = existing;
      return existing;
    }
    if (this.#windows.size >= this.#maxOpen) {
      this.#counters.overflow.open_windows++;
      let oldest: Window | undefined;
      for (const w of this.#windows.values()) if (!oldest || w.startMs < oldest.startMs) oldest = w;
      if (this.#forceClosing || !oldest || start < oldest.startMs) {
        // The new window would be the oldest: it is the one closed early, before it holds anything.
        if (end > this.forcedClosedEndMs && !this.#forceClosing) this.forcedClosedEndMs = end;
        return undefined;
      }
      this.#forceClose(oldest, hooks);
    }
    const w = new Window(start, end, mark, this.#limits, this.#onOverflow);
    this.#windows.set(start, w);
    if (end < this.#earliestEndMs) this.#earliestEndMs = end;
    return w;
  }

  /** Removes and returns, oldest first, the windows ending at or before `closedEndMs`. */
  takeClosed(closedEndMs: number): Window[] | undefined {
    // Called after every input record: without this check each call walked the open windows.
    if (closedEndMs < this.#earliestEndMs) return undefined;
    let closing: Window[] | undefined;
    for (const w of this.#windows.values()) {
      if (w.endMs > closedEndMs) continue;
      if (closing) closing.push(w);
      else closing = [w];
    }
    if (!closing) return undefined;
    closing.sort((a, b) => a.startMs - b.startMs);
    for (const w of closing) this.#windows.delete(w.startMs);
    this.#takenEndMs = Math.max(this.#takenEndMs, (closing[closing.length - 1] as Window).endMs);
    this.#left();
    return closing;
  }

  /** Removes and returns every open window, oldest first. */
  takeAll(): Window[] {
    const all = [...this.#windows.values()].sort((a, b) => a.startMs - b.startMs);
    this.#windows.clear();
    const newest = all[all.length - 1];
    if (newest) this.#takenEndMs = Math.max(this.#takenEndMs, newest.endMs);
    this.#left();
    return all;
  }

  /** The mark of the earliest record contributing to an open window. */
  earliestMark(): Mark | undefined {
    let first: Mark | undefined;
    for (const w of this.#windows.values()) first = first ? earlier(first, w.first) : w.first;
    return first;
  }

  clear(): void {
    this.#windows.clear();
    this.#left();
  }

  /** After windows left the store: the cached last window may be gone, and the earliest end moved. */
  #left(): void {
    this.#last = undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const w of this.#windows.values()) if (w.endMs < earliest) earliest = w.endMs;
    this.#earliestEndMs = earliest;
  }

  #forceClose(w: Window, hooks: ForceCloseHooks): void {
    this.#forceClosing = true;
    try {
      hooks.settle(w);
    } finally {
      this.#forceClosing = false;
    }
    if (w.endMs > this.forcedClosedEndMs) this.forcedClosedEndMs = w.endMs;
    this.#windows.delete(w.startMs);
    this.#left();
    hooks.emit(w);
  }
}
