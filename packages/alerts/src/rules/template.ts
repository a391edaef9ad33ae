/**
 * Annotation templates: `{{ $labels.tool }}`, `{{ $value }}`,
 * `{{ $values.burn_rate_1h | fixed 1 }}`, `{{ $values.ratio | percent }}`,
 * `{{ $values.cost_per_success_usd | usd }}`. References are checked when the
 * rule file loads, so a typo refuses to start instead of paging with a blank.
 */

const FILTERS = ['percent', 'usd', 'fixed', 'humanize'] as const;
type Filter = (typeof FILTERS)[number];

interface Part {
  text?: string;
  ref?: { scope: 'labels' | 'values' | 'value'; name: string; filter?: Filter; digits?: number };
}

export interface CompiledTemplate {
  render(labels: Readonly<Record<string, string>>, values: Readonly<Record<string, number>>, value: number): string;
}

export interface TemplateScope {
  labels: ReadonlySet<string>;
  values: ReadonlySet<string>;
}

const EXPR = /\{\{\s*(.*?)\s*\}\}/g;

/** Compiles a template, or returns the reason it is wrong (naming what it refers to). */
export function compileTemplate(text: string, scope: TemplateScope): CompiledTemplate | { error: string } {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(EXPR)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    last = m.index + m[0].length;
    const [ref, ...filters] = (m[1] ?? '').split('|').map((s) => s.trim());
    const parsed = parseRef(ref ?? '', scope);
    if ('error' in parsed) return parsed;
    if (filters.length > 1) return { error: `{{ ${m[1]} }}: one filter at most` };
    if (filters[0] !== undefined) {
      const [name, arg] = filters[0].split(/\s+/);
      if (!FILTERS.includes(name as Filter))
        return { error: `{{ ${m[1]} }}: unknown filter "${name}" (have: ${FILTERS.join(', ')})` };
      if (parsed.scope === 'labels') return { error: `{{ ${m[1]} }}: filters apply to numbers, not labels` };
      const digits = arg === undefined ? undefined : Number(arg);
      if (digits !== undefined && !(Number.isInteger(digits) && digits >= 0 && digits <= 12))
        return { error: `{{ ${m[1]} }}: digits must be an integer 0..12` };
      parts.push({ ref: { ...parsed, filter: name as Filter, ...(digits === undefined ? {} : { digits }) } });
    } else parts.push({ ref: parsed });
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return {
    render(labels, values, value) {
      let out = '';
      for (const p of parts) {
        if (p.text !== undefined) out += p.text;
        else if (p.ref) {
          if (p.ref.scope === 'labels') out += labels[p.ref.name] ?? '';
          else {
            const n = p.ref.scope === 'value' ? value : (values[p.ref.name] ?? Number.NaN);
            out += formatNumber(n, p.ref.filter, p.ref.digits);
          }
        }
      }
      return out;
    },
  };
}

function parseRef(
  ref: string,
  scope: TemplateScope,
): { scope: 'labels' | 'values' | 'value'; name: string } | { error: string } {
  if (ref === '$value') return { scope: 'value', name: '' };
  const m = /^\$(labels|values)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
  if (!m) return { error: `{{ ${ref} }}: use $value, $labels.<name> or $values.<name>` };
  const kind = m[1] as 'labels' | 'values';
  const name = m[2] as string;
  const known = scope[kind];
  if (!known.has(name))
    return {
      error: `{{ ${ref} }}: this rule has no ${kind.slice(0, -1)} "${name}" (have: ${[...known].sort().join(', ')})`,
    };
  return { scope: kind, name };
}

export function formatNumber(n: number, filter?: Filter, digits?: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  switch (filter) {
    case 'percent':
      return `${(n * 100).toFixed(digits ?? 2)}%`;
    case 'usd':
      return `$${n.toFixed(digits ?? 4)}`;
    case 'fixed':
      return n.toFixed(digits ?? 2);
    default:
      return humanize(n);
  }
}

/** Up to 4 significant digits, no exponent for ordinary magnitudes. */
function humanize(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(4)));
}
