import { formatNumber } from '../rules/template.ts';
import type { ValueExpr } from './rule-context.ts';

/** The rule engine's template expressions (src/rules/template.ts), already checked when the rule file loaded. */
const EXPR = /\{\{\s*(.*?)\s*\}\}/g;

type Filter = 'percent' | 'usd' | 'fixed' | 'humanize';

/** Go's fmt verb for a filter applied to a plain number (as the engine prints it). */
function verb(filter: Filter | undefined, digits: number | undefined): string {
  switch (filter) {
    case 'percent':
      return `printf "%.${digits ?? 2}f%%"`;
    case 'usd':
      return `printf "$%.${digits ?? 4}f"`;
    case 'fixed':
      return `printf "%.${digits ?? 2}f"`;
    default:
      return 'humanize';
  }
}

/** A PromQL expression as a printf format in a Go template string: `%` doubled except our `%[i]s` placeholders. */
function goFormatString(promql: string): string {
  const format = promql.replace(/%(?!\[\d+\]s)/g, '%%');
  return `"${format.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Translates an annotation template of the rule file to a Prometheus alert
 * template: `$labels.x` and `$value` as they are, a constant of the rule
 * printed at export, and every other `$values.x` as a `query` of its PromQL
 * for the alert's own label values (percent is computed in the query, so
 * the digits match the engine's).
 */
export function translateTemplate(
  text: string,
  values: Readonly<Record<string, ValueExpr>>,
  groupBy: readonly string[],
  where: string,
): string {
  return text.replace(EXPR, (_whole, inner: string) => {
    const [ref = '', filterText] = inner.split('|').map((s) => s.trim());
    const [filterName, digitsText] = (filterText ?? '').split(/\s+/);
    const filter = (filterName || undefined) as Filter | undefined;
    const digits = digitsText === undefined ? undefined : Number(digitsText);
    if (ref.startsWith('$labels.')) return `{{ ${ref} }}`;
    if (ref === '$value') {
      // The alert's value has no query around it to scale, so percent uses Prometheus's own formatter.
      return `{{ $value | ${filter === 'percent' ? 'humanizePercentage' : verb(filter, digits)} }}`;
    }
    const name = ref.replace(/^\$values\./, '');
    const v = values[name];
    if (v === undefined)
      throw new Error(
        `${where}: {{ ${inner} }} refers to a number this rule does not have (have: ${Object.keys(values).join(', ')})`,
      );
    if ('constant' in v) return formatNumber(v.constant, filter, digits);
    const promql = filter === 'percent' ? `100 * (${v.promql})` : v.promql;
    const args = groupBy.map((l) => ` $labels.${l}`).join('');
    return `{{ with printf ${goFormatString(promql)}${args} | query }}{{ . | first | value | ${verb(filter, digits)} }}{{ end }}`;
  });
}
