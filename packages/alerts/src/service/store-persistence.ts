import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type AggregateRecord, aggregateRecordSchema } from '@telltale/conventions';
import type { Logger } from 'pino';
import { readJson, writeJsonAtomic } from '../engine/state-file.ts';
import { StateFileError } from '../errors.ts';
import type { StoreSnapshot, WindowStore } from '../store/window-store.ts';

/**
 * Makes the window store durable without rewriting it on every batch: each
 * applied aggregate is appended to a journal (one JSON line; `flush` writes
 * and fsyncs what was appended), and now and then the whole store is written
 * as a snapshot and the journal emptied. A crash between the two leaves
 * journal lines the snapshot already holds; replaying them is harmless,
 * because their ids are applied already.
 */
export class StorePersistence {
  readonly snapshotPath: string;
  readonly journalPath: string;
  readonly #store: WindowStore;
  readonly #logger: Logger;
  readonly #compactBytes: number;
  #buffer: string[] = [];
  #journalBytes = 0;

  constructor(dir: string, store: WindowStore, logger: Logger, options: { compactBytes?: number } = {}) {
    this.snapshotPath = join(dir, 'store.json');
    this.journalPath = join(dir, 'store.journal');
    this.#store = store;
    this.#logger = logger;
    this.#compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
  }

  /** Loads the snapshot, then replays the journal through the exactly-once path. */
  restore(nowMs: number): { replayed: number } {
    const snapshot = readJson(this.snapshotPath);
    if (snapshot !== undefined) {
      if (typeof snapshot !== 'object' || snapshot === null || (snapshot as { version?: unknown }).version !== 1)
        throw new StateFileError(
          `${this.snapshotPath} is not a version 1 store snapshot; move it away to start afresh`,
        );
      this.#store.restore(snapshot as StoreSnapshot);
    }
    let replayed = 0;
    if (existsSync(this.journalPath)) {
      const bytes = readFileSync(this.journalPath);
      // Whole lines end in a newline; what follows the last one is a crash mid-append, whose batch was never
      // committed (it comes again). Only that tail may be unreadable: any other bad line is corruption.
      const whole = bytes.lastIndexOf(0x0a) + 1;
      const lines = bytes.subarray(0, whole).toString('utf8').split('\n');
      lines.forEach((line, i) => {
        if (line === '') return;
        let parsed: AggregateRecord;
        try {
          parsed = aggregateRecordSchema.parse(JSON.parse(line));
        } catch (err) {
          throw new StateFileError(`${this.journalPath} line ${i + 1} is not an aggregate: ${(err as Error).message}`);
        }
        if (this.#store.apply(parsed, nowMs) === 'applied') replayed++;
      });
      if (whole < bytes.length) {
        this.#logger.warn(
          { line: lines.length, bytes: bytes.length - whole },
          'store journal ends in a torn line; cut',
        );
        // Cut before anything is appended: a line appended to the fragment would be glued to it.
        this.#truncateJournal(whole);
      }
      this.#journalBytes = whole;
    }
    return { replayed };
  }

  /** Records an applied aggregate; durable at the next `flush`. */
  append(aggregate: AggregateRecord): void {
    this.#buffer.push(`${JSON.stringify(aggregate)}\n`);
  }

  get unflushed(): number {
    return this.#buffer.length;
  }

  /** Writes and fsyncs what was appended; compacts when the journal has grown large. */
  flush(): void {
    if (this.#buffer.length === 0) return;
    const data = this.#buffer.join('');
    const fd = openSync(this.journalPath, 'a');
    try {
      const size = fstatSync(fd).size;
      try {
        // writeFileSync on a descriptor writes until all is written (writeSync may write part).
        writeFileSync(fd, data);
        fsyncSync(fd);
      } catch (err) {
        // Nothing half-written may stay: the next flush would append after a fragment. The buffer is kept.
        try {
          ftruncateSync(fd, size);
          fsyncSync(fd);
        } catch {
          // The error below says what failed; restore() cuts a torn tail in any case.
        }
        throw err;
      }
    } finally {
      closeSync(fd);
    }
    this.#buffer = [];
    this.#journalBytes += Buffer.byteLength(data);
    if (this.#journalBytes >= this.#compactBytes) this.compact();
  }

  /**
   * Writes the whole store as a snapshot and empties the journal. The
   * snapshot holds everything applied, flushed or not, so the buffer goes too.
   */
  compact(): void {
    writeJsonAtomic(this.snapshotPath, this.#store.snapshot());
    if (existsSync(this.journalPath)) truncateSync(this.journalPath, 0);
    this.#buffer = [];
    this.#journalBytes = 0;
  }

  #truncateJournal(length: number): void {
    const fd = openSync(this.journalPath, 'r+');
    try {
      ftruncateSync(fd, length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  journalBytes(): number {
    return existsSync(this.journalPath) ? statSync(this.journalPath).size : 0;
  }
}
