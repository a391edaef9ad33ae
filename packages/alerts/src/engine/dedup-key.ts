import { createHash } from 'node:crypto';

/**
 * The stable key of one alert instance: the rule name and a hash of its
 * group labels, sorted. The same rule and labels give the same key in every
 * process and after restarts; editing a rule's static labels or annotations
 * does not open a new incident. At most 128 + 1 + 32 characters (≤ 255, the
 * PagerDuty limit).
 */
export function dedupKey(ruleName: string, groupLabels: Readonly<Record<string, string>>): string {
  const sorted = Object.entries(groupLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 32);
  return `${ruleName}/${hash}`;
}
