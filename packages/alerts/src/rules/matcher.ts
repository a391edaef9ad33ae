import { z } from 'zod';

/**
 * One label matcher item: a string matches exactly, `{ regex }` matches the
 * whole value (anchored, like Prometheus `=~`).
 */
export const matchItemSchema = z.union([
  z.string(),
  z.strictObject({
    regex: z.string().superRefine((re, ctx) => {
      try {
        new RegExp(`^(?:${re})$`);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid regex: ${(err as Error).message}` });
      }
    }),
  }),
]);

export type MatchItem = z.infer<typeof matchItemSchema>;

/** A value test compiled from a list of match items; an empty or absent list matches everything. */
export type ValueMatcher = (value: string) => boolean;

export function compileMatcher(items: readonly MatchItem[] | undefined): ValueMatcher {
  if (!items || items.length === 0) return () => true;
  const exact = new Set<string>();
  const regexes: RegExp[] = [];
  for (const item of items) {
    if (typeof item === 'string') exact.add(item);
    else regexes.push(new RegExp(`^(?:${item.regex})$`));
  }
  return (value) => exact.has(value) || regexes.some((r) => r.test(value));
}
