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
