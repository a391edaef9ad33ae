import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregate } from '../../test/aggregates.ts';
import { WindowStore } from '../store/window-store.ts';
import { StorePersistence } from './store-persistence.ts';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const logger = pino({ level: 'silent' });
const newStore = () =>
  new WindowStore({
    lookbackMs: 3_600_000,
    marginMs: 600_000,
    limits: { services: 10, workflows: 10, tenants: 10, tools: 10, keys: 100 },
  });

function calls(store: WindowStore): number {
  let n = 0;
  store.scan(600_000, 0, T0 + 600_000, (_k, c) => {
    for (const t of c.tools.values()) n += t.calls;
  });
  return n;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'telltale-alerts-persist-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('store persistence', () => {
  const records = Array.from({ length: 10 }, (_, i) =>
    aggregate({ startMs: T0 + i * 10_000, tools: { search: { calls: 7, successes: 7 } } }),
  );

  it('journals what was flushed: after a crash the store and its applied ids come back', () => {
    const store = newStore();
    const p = new StorePersistence(dir, store, logger);
    for (const r of records.slice(0, 6)) if (store.apply(r, T0) === 'applied') p.append(r);
    p.flush();
    // applied but never flushed: lost with the crash; its source replays it
    for (const r of records.slice(6)) if (store.apply(r, T0) === 'applied') p.append(r);

    const after = newStore();
    expect(new StorePersistence(dir, after, logger).restore(T0)).toEqual({ replayed: 6 });
    expect(calls(after)).toBe(42);
    expect(after.apply(records[0]!, T0)).toBe('duplicate');
    expect(after.apply(records[9]!, T0)).toBe('applied');
  });

  it('ignores a torn last line (a crash mid-append)', () => {
    const store = newStore();
    const p = new StorePersistence(dir, store, logger);
    for (const r of records.slice(0, 3)) if (store.apply(r, T0) === 'applied') p.append(r);
    p.flush();
    appendFileSync(join(dir, 'store.journal'), JSON.stringify(records[3]).slice(0, 40));
    const after = newStore();
    expect(new StorePersistence(dir, after, logger).restore(T0)).toEqual({ replayed: 3 });
  });

  it('cuts a torn last line on restore, so what is appended after it survives the next crash', () => {
    const store = newStore();
    const p = new StorePersistence(dir, store, logger);
    for (const r of records.slice(0, 3)) if (store.apply(r, T0) === 'applied') p.append(r);
    p.flush();
    appendFileSync(join(dir, 'store.journal'), JSON.stringify(records[3]).slice(0, 40));

    // Second life: the torn record comes again from its source, with more; flushed (and committed); then a crash.
    const second = newStore();
    const p2 = new StorePersistence(dir, second, logger);
    expect(p2.restore(T0)).toEqual({ replayed: 3 });
    for (const r of records.slice(3, 6)) if (second.apply(r, T0) === 'applied') p2.append(r);
    p2.flush();

    const third = newStore();
    expect(new StorePersistence(dir, third, logger).restore(T0)).toEqual({ replayed: 6 });
    expect(calls(third)).toBe(42);
  });

  it('refuses a journal with a bad whole line, even the last: only a line cut short by a crash is expected', () => {
    const store = newStore();
    const p = new StorePersistence(dir, store, logger);
    for (const r of records.slice(0, 3)) if (store.apply(r, T0) === 'applied') p.append(r);
    p.flush();
    appendFileSync(join(dir, 'store.journal'), 'not json at all\n');
    expect(() => new StorePersistence(dir, newStore(), logger).restore(T0)).toThrow(
      /store.journal line 4 is not an aggregate/,
    );
  });

  it('compacts into a snapshot and an empty journal; replaying lines the snapshot holds is harmless', () => {
    const store = newStore();
    const p = new StorePersistence(dir, store, logger, { compactBytes: 2_000 });
    for (const r of records) {
      if (store.apply(r, T0) === 'applied') p.append(r);
      p.flush();
    }
    expect(statSync(join(dir, 'store.json')).size).toBeGreaterThan(0);
    const journal = readFileSync(join(dir, 'store.journal'), 'utf8');
    expect(journal.split('\n').filter(Boolean).length).toBeLessThan(records.length);
    // a crash between the snapshot and the truncation leaves old lines behind
    appendFileSync(join(dir, 'store.journal'), `${JSON.stringify(records[0])}\n`);
    const after = newStore();
    new StorePersistence(dir, after, logger).restore(T0);
    expect(calls(after)).toBe(70);
  });
});
