import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen } from './http-server.ts';

const servers = [createServer(), createServer()];
afterEach(async () => {
  for (const s of servers) if (s.listening) await closeServer(s);
});

describe('listen and closeServer', () => {
  it('binds a free port, refuses a taken one with the listen error, and closes with a keep-alive client attached', async () => {
    const [a, b] = servers as [ReturnType<typeof createServer>, ReturnType<typeof createServer>];
    a.on('request', (_req, res) => res.end('hi'));
    const port = await listen(a, 0, '127.0.0.1');
    expect(port).toBeGreaterThan(0);
    await expect(listen(b, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // A keep-alive connection left idle must not hold the close open.
    const res = await fetch(`http://127.0.0.1:${port}/`, { keepalive: true });
    expect(await res.text()).toBe('hi');
    await closeServer(a);
    expect(a.listening).toBe(false);
  });
});
