import type { MatchItem } from '../rules/matcher.ts';

/** A PromQL (Go) double-quoted string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A literal for RE2: every metacharacter escaped. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * The label matcher for a rule's match list: `label="v"` for one exact value,
 * else `label=~"a|b|(?:re)"` (Prometheus anchors regex matchers, as the rule
 * engine does); undefined when the list is absent (matches everything).
 */
export function labelMatcher(label: string, items: readonly MatchItem[] | undefined): string | undefined {
  if (!items || items.length === 0) return undefined;
  const [only] = items;
  if (items.length === 1 && typeof only === 'string') return `${label}=${quote(only)}`;
  const alternatives = items.map((i) => (typeof i === 'string' ? escapeRegex(i) : `(?:${i.regex})`));
  return `${label}=~${quote(alternatives.join('|'))}`;
}

/** `metric{a="b", c=~"d"}`, or the bare name without matchers. */
export function selector(metric: string, matchers: readonly (string | undefined)[]): string {
  const present = matchers.filter((m): m is string => m !== undefined);
  return present.length === 0 ? metric : `${metric}{${present.join(', ')}}`;
}

/** `sum by (a, b) (expr)`, or `sum (expr)` with no grouping. */
export function sumBy(groupBy: readonly string[], expr: string): string {
  return groupBy.length === 0 ? `sum (${expr})` : `sum by (${groupBy.join(', ')}) (${expr})`;
}

/** ` on (a, b)` for vector matching on the group labels (` on ()` when there are none). */
export function on(groupBy: readonly string[]): string {
  return ` on (${groupBy.join(', ')})`;
}

/**
 * The `level` part of a recording rule name (Prometheus naming practice
 * level:metric:operations): the labels the output keeps, joined by `_`.
 */
export function level(groupBy: readonly string[]): string {
  return groupBy.length === 0 ? 'all' : groupBy.join('_');
}

/** A number as PromQL reads it (no exponent surprises for ordinary values). */
export function num(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  return String(n);
}
