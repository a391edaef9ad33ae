import { join } from 'node:path';
import { z } from 'zod';
import type { EngineSnapshot } from '../engine/alert-instance.ts';
import { readJson, writeJsonAtomic } from '../engine/state-file.ts';
import { StateFileError } from '../errors.ts';
import type { PendingDelivery } from '../notify/dispatcher.ts';
import type { AlertNotification } from '../notify/notification.ts';

/** The alert state that survives a restart (the store has its own files: StorePersistence). */
export interface AlertState {
  engine: EngineSnapshot;
  /** Notifications handed to the pager and not yet delivered to every channel. */
  pending: PendingDelivery[];
}

const instanceSchema = z.object({
  rule: z.string(),
  dedupKey: z.string(),
  groupLabels: z.record(z.string(), z.string()),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  state: z.enum(['pending', 'firing']),
  activeAt: z.number(),
  firingAt: z.number().nullable(),
  lastActiveAt: z.number(),
  paged: z.boolean(),
  silencedBy: z.string().nullable().default(null),
  // JSON has no NaN or Infinity: they come back as null
  value: z.number().nullable(),
  values: z.record(z.string(), z.number().nullable()),
});

const notificationSchema = z.object({
  action: z.enum(['trigger', 'resolve']),
  dedupKey: z.string(),
  ruleName: z.string(),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  startsAt: z.coerce.date(),
  endsAt: z.coerce.date().optional(),
  values: z.record(z.string(), z.number().nullable()),
  generatorURL: z.string(),
});

const alertStateSchema = z.object({
  engine: z.object({
    version: z.literal(1),
    evaluatedAt: z.number().nullable(),
    instances: z.array(instanceSchema),
    silences: z
      .array(
        z.object({
          id: z.string(),
          matchers: z.array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean() })),
          startsAt: z.number(),
          endsAt: z.number(),
          createdBy: z.string(),
          comment: z.string(),
        }),
      )
      .default([]),
  }),
  pending: z.array(
    z.object({
      channel: z.string(),
      notification: notificationSchema,
      failures: z.number().int().nonnegative(),
      lastError: z.string().optional(),
      refused: z.literal(true).optional(),
    }),
  ),
});

export class StateFiles {
  readonly alertStatePath: string;

  constructor(dir: string) {
    this.alertStatePath = join(dir, 'alert-state.json');
  }

  readAlertState(): AlertState | undefined {
    const raw = readJson(this.alertStatePath);
    if (raw === undefined) return undefined;
    const r = alertStateSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new StateFileError(
        `${this.alertStatePath} at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; move it away to start afresh`,
      );
    }
    return {
      engine: r.data.engine as EngineSnapshot,
      pending: r.data.pending.map((p) => ({
        ...p,
        notification: { ...p.notification, values: nanForNull(p.notification.values) } as AlertNotification,
      })),
    };
  }

  writeAlertState(state: AlertState): void {
    writeJsonAtomic(this.alertStatePath, state);
  }
}

function nanForNull(values: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v ?? Number.NaN]));
}
