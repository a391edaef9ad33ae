import type { z } from 'zod';

/** A zod issue as a user reads it: the path of the field at fault, and what is wrong there. */
export interface IssueAt {
  path: (string | number)[];
  message: string;
}

/**
 * Where a validation issue points. zod reports an unknown key at the object
 * that holds it; a user looks for the key itself (usually a typo of a known
 * one), so the path goes down to it.
 */
export function issueAt(issue: z.core.$ZodIssue | undefined): IssueAt {
  if (issue === undefined) return { path: [], message: 'invalid' };
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    const [first, ...more] = issue.keys;
    return {
      path: [...path, first as string],
      message: `not a known field${more.length > 0 ? ` (nor ${more.map((k) => `"${k}"`).join(', ')})` : ''}`,
    };
  }
  return { path, message: issue.message };
}
