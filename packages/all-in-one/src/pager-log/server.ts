import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listen } from '@telltale/service';
import type { Logger } from 'pino';
import { pagerLine } from './pager-line.ts';
import { webhookPayloadSchema } from './webhook-payload.ts';

export interface PagerLogOptions {
  host: string;
  port: number;
  /** Where the one-line pages go (stdout in the CLI). */
  write: (line: string) => void;
  logger: Logger;
  /** Largest body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
}

export interface PagerLogServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A webhook receiver for Alertmanager (payload version "4") that prints one
 * line per alert in each notification: the stack's stand-in for a chat-ops
 * bot. POST any path; GET /healthz answers ok.
 */
export async function startPagerLog(opts: PagerLogOptions): Promise<PagerLogServer> {
  const limit = opts.maxBodyBytes ?? 1 << 20;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    readBody(req, limit).then(
      (body) => {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch (err) {
          reject(400, `body is not JSON: ${(err as Error).message}`);
          return;
        }
        const parsed = webhookPayloadSchema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          reject(400, `not an Alertmanager webhook payload: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
          return;
        }
        for (const alert of parsed.data.alerts) opts.write(pagerLine(alert));
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      },
      (err: Error) => reject(413, err.message),
    );
    function reject(status: number, why: string): void {
      opts.logger.warn({ status, path: req.url }, why);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${why}\n`);
    }
  });
  const port = await listen(server, opts.port, opts.host);
  return { port, close: () => closeServer(server) };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the client still gets its 413.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      size > limit
        ? reject(new Error(`body larger than ${limit} bytes`))
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}
