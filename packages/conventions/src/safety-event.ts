import { hash } from 'node:crypto';
import { z } from 'zod';
import { SAFETY_KINDS, SAFETY_SEVERITIES } from './values.ts';

/** One record per safety event on `telltale.safety-events`: the audit trail. */
export const SAFETY_EVENT_SCHEMA_V1 = 'telltale.safety-event.v1';

export const safetyEventRecordSchema = z.object({
  schema: z.literal(SAFETY_EVENT_SCHEMA_V1),
  /** Deterministic over (trace, span, event time, kind, policy), so a replay re-emits the same id. */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  /** Event time as Unix epoch nanoseconds (decimal string: exceeds 2^53) and as ISO 8601. */
  timeUnixNano: z.string().regex(/^\d+$/),
  time: z.iso.datetime(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/),
  spanId: z.string().regex(/^[0-9a-f]{16}$/),
  service: z.string(),
  workflow: z.string(),
  tenant: z.string(),
  kind: z.enum(SAFETY_KINDS),
  policy: z.string(),
  action: z.string(),
  severity: z.enum(SAFETY_SEVERITIES),
  /** Fallback details when kind is `fallback`. */
  fallback: z.object({ from: z.string(), to: z.string(), reason: z.string() }).optional(),
  versions: z.object({
    prompt: z.string().optional(),
    policy: z.string().optional(),
    retrievalConfig: z.string().optional(),
    model: z.string().optional(),
    release: z.string().optional(),
  }),
});

export type SafetyEventRecord = z.infer<typeof safetyEventRecordSchema>;

export function safetyEventId(
  traceId: string,
  spanId: string,
  timeUnixNano: string,
  kind: string,
  policy: string,
): string {
  // One-shot hash: createHash's object per call cost about a quarter of the id.
  return hash(
    'sha256',
    JSON.stringify([SAFETY_EVENT_SCHEMA_V1, traceId, spanId, timeUnixNano, kind, policy]),
    'hex',
  ).slice(0, 32);
}
