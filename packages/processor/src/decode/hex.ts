/**
 * Trace and span ids to lowercase hex. Concatenating 4-character pieces from a
 * 65 536-entry table beats Buffer#toString('hex') for 8- and 16-byte ids
 * (no native call per id); the table costs about 2 MB once.
 */
const HEX4: string[] = new Array<string>(65536);
for (let i = 0; i < 65536; i++) HEX4[i] = i.toString(16).padStart(4, '0');

/** Lowercase hex of buf[start, start+len); len must be even. */
export function hex(buf: Uint8Array, start: number, len: number): string {
  if (len === 8) {
    return (
      HEX4[(buf[start]! << 8) | buf[start + 1]!]! +
      HEX4[(buf[start + 2]! << 8) | buf[start + 3]!]! +
      HEX4[(buf[start + 4]! << 8) | buf[start + 5]!]! +
      HEX4[(buf[start + 6]! << 8) | buf[start + 7]!]!
    );
  }
  let s = '';
  for (let i = start, end = start + len; i < end; i += 2) s += HEX4[(buf[i]! << 8) | buf[i + 1]!]!;
  return s;
}

const HEX_CHARS = /^[0-9a-fA-F]*$/;

/** A hex id from OTLP JSON (case-insensitive per the spec) in canonical lowercase, or undefined if not hex of that length. */
export function normalizeHexId(value: string, chars: number): string | undefined {
  if (value.length !== chars || !HEX_CHARS.test(value)) return undefined;
  return value.toLowerCase();
}
