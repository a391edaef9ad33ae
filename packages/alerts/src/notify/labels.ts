/**
 * Label-set helpers that reproduce what Alertmanager computes, so payloads we
 * build look exactly like the ones Alertmanager itself would send.
 */

const FNV64_OFFSET = 14695981039346656037n;
const FNV64_PRIME = 1099511628211n;
const MASK64 = (1n << 64n) - 1n;
/** prometheus/common model.SeparatorByte: between names and values so {a="bc"} and {ab="c"} differ. */
const SEPARATOR = 0xff;

/** Prometheus label names; Alertmanager rejects alerts with other names. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The Alertmanager fingerprint of a label set (prometheus/common
 * model.LabelSet.Fingerprint): FNV-1a 64 over the sorted names and values,
 * each followed by 0xff, as 16 lowercase hex digits.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  const encoder = new TextEncoder();
  let hash = FNV64_OFFSET;
  const add = (byte: number): void => {
    hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & MASK64;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const b of encoder.encode(name)) add(b);
    add(SEPARATOR);
    for (const b of encoder.encode(labels[name] ?? '')) add(b);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}

/** model.LabelSet.String(): `{a="x", b="y"}`, sorted. */
export function labelsString(labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .sort();
  return `{${pairs.join(', ')}}`;
}

/**
 * Labels Alertmanager accepts: names made valid the way Prometheus sanitizes
 * OpenTelemetry names (other characters become `_`), and no empty values (an
 * empty value means "no such label" in Prometheus).
 */
export function promLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value === '') continue;
    const safe = LABEL_NAME.test(name) ? name : name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=[0-9])/, '_');
    out[safe] = value;
  }
  return out;
}
