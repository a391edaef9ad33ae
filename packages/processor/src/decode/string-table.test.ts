import { describe, expect, it } from 'vitest';
import { KeyMatcher } from './key-matcher.ts';
import { StringTable } from './string-table.ts';

describe('StringTable', () => {
  it('returns the same string instance for the same bytes, wherever they sit', () => {
    const table = new StringTable(16, 32);
    const a = Buffer.from('xxgpt-4o-miniyy');
    const b = Buffer.from('gpt-4o-mini');
    const first = table.get(a, 2, 13);
    expect(first).toBe('gpt-4o-mini');
    expect(table.get(b, 0, b.length)).toBe(first);
  });

  it('never confuses values that collide in a tiny table', () => {
    const table = new StringTable(2, 16);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 500; i++) {
        const text = `tenant-${i}`;
        const buf = Buffer.from(`#${text}#`);
        expect(table.get(buf, 1, buf.length - 1)).toBe(text);
      }
    }
  });

  it('decodes empty, long and non-ASCII values, and bad UTF-8 as U+FFFD', () => {
    const table = new StringTable();
    expect(table.get(Buffer.from('abc'), 1, 1)).toBe('');
    const long = 'x'.repeat(500);
    expect(table.get(Buffer.from(long), 0, 500)).toBe(long);
    const utf8 = Buffer.from('Zürich 東京');
    expect(table.get(utf8, 0, utf8.length)).toBe('Zürich 東京');
    expect(table.get(Buffer.from([0x61, 0xff, 0x62]), 0, 3)).toBe('a\ufffdb');
  });
});

describe('KeyMatcher', () => {
  const keys = ['gen_ai.usage.input_tokens', 'telltale.workflow.outcome', 'error.type'];
  const m = new KeyMatcher(keys);

  it('finds keys among same-length neighbours by their bytes and by their text', () => {
    for (const [id, key] of keys.entries()) {
      const buf = Buffer.from(`..${key}..`);
      expect(m.matchBytes(buf, 2, key.length)).toBe(id);
      expect(m.matchString(key)).toBe(id);
    }
  });

  it('answers -1 for other keys, prefixes and lengths', () => {
    for (const key of ['gen_ai.usage.input_tokenz', 'error.typ', 'error.types', '', 'x'.repeat(200)]) {
      expect(m.matchBytes(Buffer.from(key), 0, key.length)).toBe(-1);
      expect(m.matchString(key)).toBe(-1);
    }
  });
});
