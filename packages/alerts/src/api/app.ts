import { aggregateId, aggregateRecordSchema } from '@telltale/conventions';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { z } from 'zod';
import { type AlertService, idIssue } from '../service/alert-service.ts';
import { requireBearer } from './auth.ts';
import { silencesRouter } from './silences.ts';
import { alertView, ruleView } from './views.ts';

/** At most this many aggregates per request: a processor batch, not a backfill. */
const MAX_BATCH = 10_000;

const aggregatesBodySchema = z.union([
  aggregateRecordSchema,
  z.array(aggregateRecordSchema).max(MAX_BATCH),
  z.strictObject({ aggregates: z.array(aggregateRecordSchema).max(MAX_BATCH) }),
]);

export interface ApiOptions {
  /** Whether the service is ready for traffic (its source joined, its state loaded). */
  ready(): { ready: true } | { ready: false; reason: string };
}

/**
 * The HTTP API: /metrics for Prometheus, /healthz and /readyz for the
 * orchestrator, read-only views of alerts and rules, and the endpoints that
 * change state (ingest, evaluate) behind the bearer token.
 */
export function createApp(service: AlertService, options: ApiOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const auth = requireBearer(service.config.server.token);
  const generatorUrl = (key: string) => `${service.baseUrl}/api/v1/alerts/${encodeURIComponent(key)}`;

  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', service.metrics.registry.contentType).send(await service.metrics.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const r = options.ready();
    if (r.ready) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not ready', reason: r.reason });
  });

  app.get('/api/v1/alerts', (_req, res) => {
    res.json({ alerts: service.engine.alerts().map((a) => alertView(a, generatorUrl)) });
  });
  app.get('/api/v1/alerts/:key', (req, res) => {
    const a = service.engine.alerts().find((x) => x.dedupKey === req.params.key);
    if (!a) res.status(404).json({ error: `no active alert with key ${JSON.stringify(req.params.key)}` });
    else res.json(alertView(a, generatorUrl));
  });
  app.get('/api/v1/rules', (_req, res) => {
    const alerts = service.engine.alerts();
    res.json({ rules: service.engine.rules().map((s) => ruleView(s, alerts)) });
  });

  const json = express.json({ limit: '20mb' });
  app.post('/api/v1/aggregates', auth, json, (req, res) => {
    const parsed = aggregatesBodySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({
        error:
          'the body must be an aggregate record (telltale.aggregate.v1), an array of them, or { aggregates: [...] }',
        issues: parsed.error.issues.slice(0, 20),
      });
      return;
    }
    const d = parsed.data;
    const records = Array.isArray(d) ? d : 'aggregates' in d ? d.aggregates : [d];
    const mismatched = records.flatMap((r, i) =>
      aggregateId(r.shard, r.window.startMs, r.window.endMs, r.key) === r.id
        ? []
        : [{ ...idIssue(r), path: [...(Array.isArray(d) ? [i] : 'aggregates' in d ? ['aggregates', i] : []), 'id'] }],
    );
    if (mismatched.length > 0) {
      res
        .status(400)
        .json({ error: 'aggregate ids must be aggregateId(shard, window, key)', issues: mismatched.slice(0, 20) });
      return;
    }
    const counts = { applied: 0, duplicate: 0, too_old: 0, too_new: 0 };
    for (const r of records) {
      const outcome = service.applyRecord(r);
      if (outcome !== 'invalid') counts[outcome]++;
    }
    // Durable before the answer: a 200 means a restart will not lose these.
    service.flush();
    res.json(counts);
  });
  app.use('/api/v1/silences', silencesRouter(service, auth));
  app.post('/api/v1/evaluate', auth, async (_req, res) => {
    const notifications = await service.evaluate();
    res.json({
      notifications: notifications.map((n) => ({
        action: n.action,
        rule: n.ruleName,
        dedupKey: n.dedupKey,
        labels: n.labels,
      })),
    });
  });

  app.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  const onError: ErrorRequestHandler = (
    err: { status?: number; type?: string; message?: string },
    _req,
    res,
    _next,
  ) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) service.logger.error({ err }, 'request failed');
    res.status(status).json({
      error:
        status === 500
          ? 'internal error'
          : err.type === 'entity.parse.failed'
            ? 'the body is not valid JSON'
            : (err.message ?? 'bad request'),
    });
  };
  app.use(onError);
  return app;
}
