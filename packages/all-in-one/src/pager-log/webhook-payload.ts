import { z } from 'zod';

/**
 * The body Alertmanager POSTs to a webhook receiver (payload version "4"),
 * and the alert service's webhook channel too. Only the fields the pager log
 * prints are checked; the rest passes through.
 */
export const webhookAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const webhookPayloadSchema = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  alerts: z.array(webhookAlertSchema),
});

export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
