import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envBool, envList, envNumber } from './env-values.ts';

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

  it('reads numbers from decimal text or as given; blank text, hex, booleans and units fail instead of reading as 0', () => {
    const port = envNumber(z.number().int().min(0).max(65535));
    expect(port.parse(' 9464 ')).toBe(9464);
    expect(port.parse(9464)).toBe(9464);
    expect(envNumber(z.number()).parse('2.5e3')).toBe(2500);
    for (const bad of ['', ' ', '0x10F2', 'true', true, null, '9000ms', '1,5'])
      expect(port.safeParse(bad).success, `${JSON.stringify(bad)}`).toBe(false);
    expect(port.safeParse('70000').success).toBe(false);
  });
});
