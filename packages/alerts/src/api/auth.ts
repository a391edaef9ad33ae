import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * Guards the endpoints that change state: `Authorization: Bearer <token>`.
 * No header (or not a bearer one) is 401; a wrong token is 403; with no
 * token configured these endpoints are off (403), never open.
 */
export function requireBearer(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : Buffer.from(token);
  return (req, res, next) => {
    if (!expected) {
      res
        .status(403)
        .json({ error: 'state-changing endpoints are disabled: set server.token (TELLTALE_ALERTS_TOKEN)' });
      return;
    }
    const m = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
    if (!m) {
      res
        .set('WWW-Authenticate', 'Bearer')
        .status(401)
        .json({ error: 'missing bearer token (Authorization: Bearer <token>)' });
      return;
    }
    const given = Buffer.from(m[1] as string);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(403).json({ error: 'invalid bearer token' });
      return;
    }
    next();
  };
}
