/** Misuse reported through OTel's diag logger once per kind, so a hot loop cannot flood the log. */
import { diag } from '@opentelemetry/api';

const reported = new Set<string>();

export function reportOnce(key: string, message: string): void {
  if (reported.has(key)) return;
  reported.add(key);
  diag.warn(`telltale: ${message}`);
}
