import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebhookPayload, webhookPayloadSchema } from '@telltale/all-in-one';

export interface ReceivedNotification {
  at: number;
  payload: WebhookPayload;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedNotification[];
  /** Bodies that were not Alertmanager webhook payloads (each one a test failure). */
  rejected: string[];
  close(): Promise<void>;
}

/** The webhook Alertmanager delivers to in the end-to-end test: records every notification with its arrival time. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedNotification[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        received.push({ at: Date.now(), payload: webhookPayloadSchema.parse(JSON.parse(body)) });
        res.writeHead(200).end();
      } catch (err) {
        rejected.push(`${(err as Error).message}: ${body.slice(0, 500)}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/alertmanager`,
    received,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
