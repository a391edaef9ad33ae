import type { Router } from 'express';
import express from 'express';
import { z } from 'zod';
import { durationSchema } from '../duration.ts';
import type { AlertService } from '../service/alert-service.ts';

const matcherSchema = z
  .strictObject({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a label name'),
    value: z.string(),
    isRegex: z.boolean().default(false),
  })
  .superRefine((m, ctx) => {
    if (!m.isRegex) return;
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `invalid regex: ${(err as Error).message}` });
    }
  });

const LATEST_END_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const silenceBodySchema = z
  .strictObject({
    matchers: z.array(matcherSchema).min(1),
    /** Default now. */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    /** Either endsAt or duration. */
    endsAt: z.iso.datetime({ offset: true }).optional(),
    duration: durationSchema.optional(),
    createdBy: z.string().min(1),
    comment: z.string().min(1),
  })
  .superRefine((s, ctx) => {
    if ((s.endsAt === undefined) === (s.duration === undefined))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'give endsAt or duration (one of them)' });
  });

/**
 * Silences: GET lists those not yet ended; POST creates one (bearer);
 * DELETE ends one now (bearer). They are kept with the alert state.
 */
export function silencesRouter(service: AlertService, auth: express.RequestHandler): Router {
  const router = express.Router();
  const view = (s: ReturnType<AlertService['engine']['silences']['list']>[number]) => ({
    ...s,
    startsAt: new Date(s.startsAt).toISOString(),
    endsAt: new Date(s.endsAt).toISOString(),
  });
  router.get('/', (_req, res) => {
    res.json({ silences: service.engine.silences.list(service.now()).map(view) });
  });
  router.post('/', auth, express.json(), (req, res) => {
    const parsed = silenceBodySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid silence', issues: parsed.error.issues });
      return;
    }
    const b = parsed.data;
    const startsAt = b.startsAt ? Date.parse(b.startsAt) : service.now();
    const endsAt = b.endsAt ? Date.parse(b.endsAt) : startsAt + (b.duration ?? 0);
    // Past the largest time a Date holds (and far past any real silence), it could not be listed or saved.
    if (!(endsAt <= LATEST_END_MS)) {
      res.status(400).json({
        error: 'invalid silence',
        issues: [{ path: [b.endsAt ? 'endsAt' : 'duration'], message: 'must end by 9999-12-31' }],
      });
      return;
    }
    if (endsAt <= startsAt || endsAt <= service.now()) {
      res.status(400).json({
        error: 'invalid silence',
        issues: [{ path: ['endsAt'], message: 'must be in the future and after startsAt' }],
      });
      return;
    }
    const silence = service.engine.silences.add({
      matchers: b.matchers,
      startsAt,
      endsAt,
      createdBy: b.createdBy,
      comment: b.comment,
    });
    service.persistAlertState();
    service.logger.info(
      { silence: silence.id, matchers: silence.matchers, createdBy: silence.createdBy },
      'silence created',
    );
    res.status(201).json(view(silence));
  });
  router.delete('/:id', auth, (req, res) => {
    const id = String(req.params.id);
    if (!service.engine.silences.expire(id)) {
      res.status(404).json({ error: `no silence ${JSON.stringify(id)}` });
      return;
    }
    service.persistAlertState();
    service.logger.info({ silence: id }, 'silence expired');
    res.json({ expired: id });
  });
  return router;
}
