import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test server received; `body` is parsed JSON when it parses, else the raw text. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** How the server answers one request: a status (and JSON body), or hang: read it and never answer. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';

export interface TestServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; after them the server's default answer applies. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on a free loopback port for channel tests: records what
 * arrives and answers as scripted, or with `answer(request)` by default.
 */
export async function startTestServer(
  answer: (req: RecordedRequest) => Answer = () => ({ status: 200 }),
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const queue: Answer[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: the contract checks report it.
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(recorded);
      const a = queue.shift() ?? answer(recorded);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => {
      queue.push(...answers);
    },
    close: async () => {
      // Hung requests hold their sockets open; drop them so close() returns.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback URL nothing listens on: a port we bound and released. */
export async function deadUrl(): Promise<string> {
  const s = await startTestServer();
  await s.close();
  return s.url;
}
