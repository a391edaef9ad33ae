/**
 * The assistant's HTTP face: POST /support handles one request; GET /tally
 * shows the ground truth; POST /failing-tool switches a tool's failure on or
 * off (the demo uses it to start and end an incident).
 */
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Assistant } from './assistant.ts';
import { TOOL_NAMES } from './tools.ts';

const supportRequestSchema = z.object({ tenant: z.string().min(1).max(128), message: z.string().min(1).max(10_000) });
const failingToolSchema = z.object({ tool: z.enum(TOOL_NAMES).nullable(), rate: z.number().min(0).max(1).default(1) });

export function createServer(assistant: Assistant, log: Logger): Express {
  const app = express();
  app.use(express.json({ limit: '64kb' }));

  app.post('/support', async (req, res) => {
    const parsed = supportRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: z.prettifyError(parsed.error) });
      return;
    }
    const reply = await assistant.runWorkflow(parsed.data);
    log.info({ tenant: parsed.data.tenant, outcome: reply.outcome }, 'support request handled');
    res.status(reply.outcome === 'failure' ? 502 : 200).json(reply);
  });

  app.get('/tally', (_req, res) => {
    res.json(assistant.tally.snapshot());
  });

  app.post('/failing-tool', (req, res) => {
    const parsed = failingToolSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: z.prettifyError(parsed.error) });
      return;
    }
    assistant.setFailingTool(parsed.data.tool ?? undefined, parsed.data.rate);
    log.warn({ tool: parsed.data.tool, rate: parsed.data.rate }, 'failing tool switched');
    res.status(204).end();
  });

  return app;
}
