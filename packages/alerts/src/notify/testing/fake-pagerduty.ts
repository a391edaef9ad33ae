import { z } from 'zod';
import type { PagerDutyEvent } from '../pagerduty.ts';
import { type Answer, type RecordedRequest, startTestServer, type TestServer } from './http-server.ts';

/**
 * The Events API v2 contract as PagerDuty documents it
 * (developer.pagerduty.com, "Send an Alert Event"): what the fake accepts.
 */
const link = z.object({ href: z.string().min(1), text: z.string().optional() }).strict();
const image = z.object({ src: z.string().min(1), href: z.string().optional(), alt: z.string().optional() }).strict();
const payload = z
  .object({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const eventSchema = z
  .object({
    routing_key: z.string().length(32, 'routing_key must be the 32-character integration key'),
    event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
    dedup_key: z.string().min(1).max(255).optional(),
    payload: payload.optional(),
    images: z.array(image).optional(),
    links: z.array(link).optional(),
    client: z.string().optional(),
    client_url: z.string().optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.event_action === 'trigger' && !e.payload)
      ctx.addIssue({ code: 'custom', path: ['payload'], message: 'a trigger needs a payload' });
    if (e.event_action !== 'trigger' && !e.dedup_key)
      ctx.addIssue({ code: 'custom', path: ['dedup_key'], message: `${e.event_action} needs the dedup_key` });
  });

export interface FakePagerDuty extends TestServer {
  /** The endpoint to configure: {url}/v2/enqueue. */
  endpoint: string;
  /** Events accepted with 202, in order. */
  events: PagerDutyEvent[];
  /** Why requests were refused with 400 (contract violations), in order. */
  invalid: string[];
}

/** A real HTTP server speaking PagerDuty's Events API v2 contract; script 400/429/500/hang answers with `script`. */
export async function startFakePagerDuty(): Promise<FakePagerDuty> {
  const events: PagerDutyEvent[] = [];
  const invalid: string[] = [];
  const validate = (req: RecordedRequest): Answer => {
    if (req.method !== 'POST' || req.path !== '/v2/enqueue') return { status: 404, body: { message: 'Not found' } };
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
      return { status: 400, body: { status: 'invalid event', message: 'Content-Type must be application/json' } };
    const parsed = eventSchema.safeParse(req.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      invalid.push(...errors);
      return { status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } };
    }
    events.push(parsed.data as PagerDutyEvent);
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: parsed.data.dedup_key } };
  };
  const server = await startTestServer(validate);
  return Object.assign(server, { endpoint: `${server.url}/v2/enqueue`, events, invalid });
}
