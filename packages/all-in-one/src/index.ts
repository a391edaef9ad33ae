// The public surface of @telltale/all-in-one: named exports only.

export { pagerLine } from './pager-log/pager-line.ts';
export type { PagerLogOptions, PagerLogServer } from './pager-log/server.ts';
export { startPagerLog } from './pager-log/server.ts';
export type { WebhookAlert, WebhookPayload } from './pager-log/webhook-payload.ts';
export { webhookPayloadSchema } from './pager-log/webhook-payload.ts';
