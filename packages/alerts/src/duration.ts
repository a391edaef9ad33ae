import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * Parses a Prometheus-style duration (`30s`, `5m`, `1h30m`, `3d`) to
 * milliseconds; undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+)(ms|s|m|h|d|w)/y;
  let total = 0;
  let pos = 0;
  if (text.length === 0) return undefined;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    pos = re.lastIndex;
  }
  return total;
}

/** Milliseconds as the shortest Prometheus duration (`3d`, `90m` → `1h30m`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A duration field: `5m` text or a number of milliseconds; parsed to milliseconds. */
export const durationSchema = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string()])
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const ms = parseDuration(v.trim());
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a duration: "${v}" (use e.g. 30s, 5m, 1h, 3d)` });
      return z.NEVER;
    }
    if (!Number.isSafeInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: `duration "${v}" is too long to hold in milliseconds` });
      return z.NEVER;
    }
    return ms;
  });
