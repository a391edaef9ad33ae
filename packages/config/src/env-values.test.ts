import { describe, expect, it } from 'vitest';
import { envBool, envList } from './env-values.ts';

describe('env values', () => {
  it('reads booleans in the usual spellings, and typed booleans as they are', () => {
    for (const t of ['true', 'TRUE', '1', 'yes', 'on', true]) expect(envBool.parse(t)).toBe(true);
    for (const f of ['false', '0', 'No', 'off', false]) expect(envBool.parse(f)).toBe(false);
    expect(envBool.safeParse('maybe').success).toBe(false);
  });

  it('splits comma-separated lists, trims items and drops blanks; refuses an empty list', () => {
    expect(envList.parse(' a:1, b:2 ,,')).toEqual(['a:1', 'b:2']);
    expect(envList.parse(['x'])).toEqual(['x']);
    expect(envList.safeParse(' , ').success).toBe(false);
  });
});
