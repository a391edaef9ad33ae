import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOn, PortInUseError } from './ports.ts';

describe('listenOn', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise((r) => taken.close(r)));

  const listen = () =>
    new Promise<Server>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(s));
    });

  it('names the port, what it is for and the setting that moves it when the port is taken', async () => {
    const err = await listenOn(listen, port, 'OTLP/HTTP receiver', {
      flag: '--otlp-port',
      env: 'TELLTALE_OTLP_PORT',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as Error).message).toBe(
      `port ${port} (OTLP/HTTP receiver) is already in use; choose another with --otlp-port or TELLTALE_OTLP_PORT`,
    );
  });

  it('passes other errors through', async () => {
    const boom = new Error('boom');
    await expect(listenOn(() => Promise.reject(boom), 1, 'x', { flag: '--x', env: 'X' })).rejects.toBe(boom);
  });
});
