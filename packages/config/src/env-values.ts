import { z } from 'zod';

/**
 * Values as environment variables give them: text. Each schema also takes
 * the typed value a YAML file or a caller gives, so one field reads both.
 */

/** A boolean: true/1/yes/on or false/0/no/off, any case; other text fails as not a boolean. */
export const envBool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  if (/^(true|1|yes|on)$/i.test(v)) return true;
  if (/^(false|0|no|off)$/i.test(v)) return false;
  return v;
}, z.boolean());

/** A non-empty list of non-empty strings; from env, comma-separated (blanks around items dropped). */
export const envList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string().min(1)).min(1),
);

/** Decimal text a number may be written as: digits, a point, an exponent. Not hex, not blank. */
const NUMBER_TEXT = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i;

/**
 * A number checked by `schema`, given as a number or as decimal text.
 * z.coerce.number() would read blank text (an env variable set to '') as 0,
 * a port of 0 as "any port", and `true` as 1; here those fail, naming the
 * field.
 */
export function envNumber<T extends z.ZodType<number>>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && NUMBER_TEXT.test(v) ? Number(v) : v), schema);
}
