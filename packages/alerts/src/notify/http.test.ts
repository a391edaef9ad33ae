import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter, postJson } from './http.ts';
import { deadUrl, startTestServer, type TestServer } from './testing/http-server.ts';

describe('postJson', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(() => ({ status: 202 }));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('posts JSON with the given headers and succeeds on 2xx', async () => {
    const out = await postJson(`${server.url}/x`, { a: 1 }, AbortSignal.timeout(2_000), { authorization: 'Bearer t' });
    expect(out).toEqual({ ok: true });
    const req = server.requests.at(-1);
    expect(req?.body).toEqual({ a: 1 });
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers.authorization).toBe('Bearer t');
  });

  it('reports 429 as retriable with its Retry-After, and the body in the error', async () => {
    server.script({ status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '7' } });
    const out = await postJson(server.url, {}, AbortSignal.timeout(2_000));
    expect(out).toMatchObject({ ok: false, retriable: true, retryAfter: 7_000 });
    expect(out.ok ? '' : out.error).toMatch(/HTTP 429 .*slow down/);
  });

  it('reports 400 as not retriable', async () => {
    server.script({ status: 400, body: { message: 'bad' } });
    expect(await postJson(server.url, {}, AbortSignal.timeout(2_000))).toMatchObject({ ok: false, retriable: false });
  });

  it('reports a refused connection as a retriable network error', async () => {
    const out = await postJson(await deadUrl(), {}, AbortSignal.timeout(2_000));
    expect(out).toMatchObject({ ok: false, retriable: true });
    expect(out.ok ? '' : out.error).toMatch(/network error .*ECONNREFUSED/);
  });

  it('reports a server that never answers as timed out', async () => {
    server.script('hang');
    const out = await postJson(server.url, {}, AbortSignal.timeout(100));
    expect(out).toMatchObject({ ok: false, retriable: true });
    expect(out.ok ? '' : out.error).toMatch(/timed out/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
