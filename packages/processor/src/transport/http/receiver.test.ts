import { request } from 'node:http';
import zlib, { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BadRequestType,
  ExportTraceServiceResponseType,
  nanos,
  RpcStatusType,
  type TestResource,
  tracesJson,
  tracesProto,
} from '../../../test/fixtures/otlp.ts';
import type { Span } from '../../span.ts';
import {
  type ReceiverOutcome,
  type RunningOtlpHttpReceiver,
  type SpanRejection,
  startOtlpHttpReceiver,
} from './receiver.ts';

const payload: TestResource[] = [
  {
    attributes: { 'service.name': 'checkout' },
    scopes: [
      {
        name: 's',
        spans: [
          {
            traceId: '5b8efff798038103d269b633813fc60c',
            spanId: 'eee19b7ec3c1b174',
            endTimeUnixNano: nanos(1_700_000_000_000),
            attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 10 },
          },
          {
            traceId: '5b8efff798038103d269b633813fc60c',
            spanId: 'eee19b7ec3c1b175',
            endTimeUnixNano: nanos(1_700_000_000_001),
          },
        ],
      },
    ],
  },
];
const protoBody = Buffer.from(tracesProto(payload));
const jsonBody = Buffer.from(JSON.stringify(tracesJson(payload)));

const LIMIT = 64 * 1024;

let receiver: RunningOtlpHttpReceiver;
let received: Span[][];
let outcomes: ReceiverOutcome[];
let sinkError: Error | undefined;
let sinkRejects: SpanRejection | undefined;

beforeEach(async () => {
  received = [];
  outcomes = [];
  sinkError = undefined;
  sinkRejects = undefined;
  receiver = await startOtlpHttpReceiver({
    port: 0,
    maxBodyBytes: LIMIT,
    sink: async (spans) => {
      if (sinkError) throw sinkError;
      received.push(spans);
      return sinkRejects;
    },
    onOutcome: (o) => outcomes.push(o),
  });
});

afterEach(async () => {
  await receiver.close();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request, so the test controls every header and the chunking of the body. */
function send(opts: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | Buffer[];
}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${receiver.url}${opts.path ?? '/v1/traces'}`,
      { method: opts.method ?? 'POST', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    const parts = opts.body === undefined ? [] : Array.isArray(opts.body) ? opts.body : [opts.body];
    for (const p of parts) req.write(p);
    req.end();
  });
}

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

function rpcStatus(reply: Reply): { code: number; message: string } {
  if (reply.headers['content-type'] === 'application/json') return JSON.parse(reply.body.toString()) as never;
  return RpcStatusType.toObject(RpcStatusType.decode(reply.body)) as never;
}

describe('the OTLP/HTTP receiver', () => {
  it('accepts protobuf: 200, an empty ExportTraceServiceResponse, spans to the sink', async () => {
    const reply = await send({ headers: PROTO, body: protoBody });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(reply.body.length).toBe(0);
    expect(ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(reply.body))).toEqual({});
    expect(received).toHaveLength(1);
    expect(received[0]?.map((s) => [s.service, s.spanId, s.operation, s.inputTokens])).toEqual([
      ['checkout', 'eee19b7ec3c1b174', 'chat', 10],
      ['checkout', 'eee19b7ec3c1b175', '', 0],
    ]);
    expect(outcomes).toEqual([{ path: '/v1/traces', status: 200, spans: 2 }]);
  });

  it('accepts JSON, also with a charset parameter: 200 with {} and partialSuccess unset', async () => {
    const reply = await send({ headers: { 'content-type': 'application/json; charset=utf-8' }, body: jsonBody });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body.toString())).toEqual({});
    expect(received[0]?.map((s) => s.spanId)).toEqual(['eee19b7ec3c1b174', 'eee19b7ec3c1b175']);
  });

  it('answers 200 with partial_success when the sink refuses some spans, in both encodings', async () => {
    sinkRejects = { rejected: 1, message: '1 of 2 spans end too far ahead' };
    const proto = await send({ headers: PROTO, body: protoBody });
    expect(proto.status).toBe(200);
    expect(
      ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(proto.body), { longs: String }),
    ).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: '1 of 2 spans end too far ahead' } });
    const json = await send({ headers: JSON_CT, body: jsonBody });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body.toString())).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: '1 of 2 spans end too far ahead' },
    });
    expect(outcomes.map((o) => o.rejected)).toEqual([1, 1]);
  });

  it('undoes gzip (and zstd) for both encodings', async () => {
    for (const [headers, body] of [
      [PROTO, protoBody],
      [JSON_CT, jsonBody],
    ] as const) {
      const reply = await send({ headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(body) });
      expect(reply.status).toBe(200);
    }
    expect(
      (await send({ headers: { ...PROTO, 'content-encoding': 'zstd' }, body: zstdCompressSync(protoBody) })).status,
    ).toBe(200);
    expect(received).toHaveLength(3);
    expect(received.every((spans) => spans.length === 2)).toBe(true);
  });

  it('answers in the Content-Type it was sent, also the application/protobuf alias', async () => {
    const reply = await send({ headers: { 'content-type': 'application/protobuf' }, body: protoBody });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/protobuf');
    expect(received).toHaveLength(1);
  });

  it('answers 200 to an empty request without calling the sink', async () => {
    expect((await send({ headers: PROTO })).status).toBe(200);
    expect((await send({ headers: JSON_CT, body: Buffer.from('{}') })).status).toBe(200);
    expect(received).toEqual([]);
  });

  it('answers 400 with a google.rpc.Status in protobuf for an undecodable protobuf body', async () => {
    const reply = await send({ headers: PROTO, body: protoBody.subarray(0, protoBody.length - 5) });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    const status = rpcStatus(reply);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/^protobuf: .* at byte \d+ in TracesData\.resource_spans\[0\]/);
    expect(received).toEqual([]);
    expect(outcomes[0]).toMatchObject({ status: 400, spans: 0, reason: status.message });
    // The BadRequest detail the spec recommends, naming where the body broke.
    const full = RpcStatusType.toObject(RpcStatusType.decode(reply.body)) as {
      details: { typeUrl: string; value: Uint8Array }[];
    };
    expect(full.details).toHaveLength(1);
    expect(full.details[0]?.typeUrl).toBe('type.googleapis.com/google.rpc.BadRequest');
    const violation = BadRequestType.toObject(BadRequestType.decode(full.details[0]!.value)) as {
      fieldViolations: { field: string; description: string }[];
    };
    expect(violation.fieldViolations[0]?.field).toMatch(/^TracesData\.resource_spans\[0\]/);
    expect(violation.fieldViolations[0]?.description).toBe(status.message);
  });

  it('answers 400 with a JSON Status for a bad JSON body, naming the bad field', async () => {
    const bad = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'nothex' }] }] }] });
    const reply = await send({ headers: JSON_CT, body: Buffer.from(bad) });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/json');
    const message = expect.stringMatching(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/);
    expect(rpcStatus(reply)).toEqual({
      code: 3,
      message,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          fieldViolations: [{ field: 'resourceSpans[0].scopeSpans[0].spans[0].traceId', description: message }],
        },
      ],
    });
  });

  it('answers 400 for a body that is not the gzip it claims to be', async () => {
    const reply = await send({ headers: { ...PROTO, 'content-encoding': 'gzip' }, body: protoBody });
    expect(reply.status).toBe(400);
    expect(rpcStatus(reply).message).toMatch(/not valid gzip/);
  });

  it('answers 413 when the declared length exceeds the limit', async () => {
    const reply = await send({ headers: PROTO, body: Buffer.alloc(LIMIT + 1) });
    expect(reply.status).toBe(413);
    expect(rpcStatus(reply).message).toBe(`request body exceeds the limit of ${LIMIT} bytes`);
  });

  it('answers 413 when a chunked body grows past the limit', async () => {
    const chunk = Buffer.alloc(16 * 1024);
    const reply = await send({ headers: { ...PROTO, 'transfer-encoding': 'chunked' }, body: Array(6).fill(chunk) });
    expect(reply.status).toBe(413);
    expect(received).toEqual([]);
  });

  it('answers 413 when a small gzip body inflates past the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(LIMIT * 4));
    expect(bomb.length).toBeLessThan(LIMIT);
    const reply = await send({ headers: { ...JSON_CT, 'content-encoding': 'gzip' }, body: bomb });
    expect(reply.status).toBe(413);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(rpcStatus(reply).message).toBe(`request body exceeds the limit of ${LIMIT} bytes after decompression`);
  });

  it('answers 415 for another media type or an unknown content coding', async () => {
    const text = await send({ headers: { 'content-type': 'text/plain' }, body: Buffer.from('hi') });
    expect(text.status).toBe(415);
    expect(rpcStatus(text).message).toMatch(/unsupported Content-Type "text\/plain"/);
    expect((await send({ body: protoBody })).status).toBe(415);
    const br = await send({ headers: { ...PROTO, 'content-encoding': 'br' }, body: protoBody });
    expect(br.status).toBe(415);
    expect(rpcStatus(br).message).toMatch(/unsupported Content-Encoding "br"/);
  });

  it('answers 415, not a retryable 503, for zstd on a Node.js without it (before 22.15)', async () => {
    const own = Object.getOwnPropertyDescriptor(zlib, 'createZstdDecompress');
    Object.defineProperty(zlib, 'createZstdDecompress', { value: undefined, configurable: true, writable: true });
    try {
      const reply = await send({
        headers: { ...PROTO, 'content-encoding': 'zstd' },
        body: zstdCompressSync(protoBody),
      });
      expect(reply.status).toBe(415);
      expect(rpcStatus(reply).message).toMatch(/unsupported Content-Encoding "zstd"/);
    } finally {
      if (own) Object.defineProperty(zlib, 'createZstdDecompress', own);
    }
  });

  it('answers 405 with Allow: POST for another method', async () => {
    const reply = await send({ method: 'GET' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
    expect(rpcStatus(reply).code).toBe(12);
  });

  it('answers 404 for another path', async () => {
    const reply = await send({ path: '/v2/traces', headers: PROTO, body: protoBody });
    expect(reply.status).toBe(404);
    expect(rpcStatus(reply).message).toMatch(/no OTLP endpoint at \/v2\/traces/);
    expect(received).toEqual([]);
  });

  it('accepts and drops metrics and logs so SDKs exporting every signal see success', async () => {
    for (const path of ['/v1/metrics', '/v1/logs']) {
      const reply = await send({ path, headers: PROTO, body: Buffer.from([0x0a, 0x00]) });
      expect(reply.status).toBe(200);
      expect(reply.body.length).toBe(0);
    }
    expect(received).toEqual([]);
  });

  it('answers 503 (retryable) when the sink fails, with the reason', async () => {
    sinkError = new Error('engine is shutting down');
    const reply = await send({ headers: JSON_CT, body: jsonBody });
    expect(reply.status).toBe(503);
    expect(rpcStatus(reply)).toEqual({ code: 14, message: 'spans could not be processed: engine is shutting down' });
  });

  it('settles a request whose client disconnects mid-body, without calling the sink', async () => {
    const req = request(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { ...PROTO, 'content-length': String(protoBody.length) },
    });
    req.on('error', () => {});
    req.write(protoBody.subarray(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (outcomes.length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    expect(outcomes[0]).toMatchObject({ status: 400, reason: expect.stringMatching(/aborted/) });
    expect(received).toEqual([]);
  });

  it('ignores a query string on the path', async () => {
    expect((await send({ path: '/v1/traces?x=1', headers: PROTO, body: protoBody })).status).toBe(200);
  });
});

describe('startOtlpHttpReceiver', () => {
  it('refuses a body limit that is not a positive integer', async () => {
    await expect(startOtlpHttpReceiver({ port: 0, maxBodyBytes: -1, sink: () => {} })).rejects.toThrow(
      /maxBodyBytes must be a positive integer/,
    );
  });

  it('frees its port on close', async () => {
    const r = await startOtlpHttpReceiver({ port: 0, sink: () => {} });
    await r.close();
    const again = await startOtlpHttpReceiver({ port: r.port, sink: () => {} });
    expect(again.port).toBe(r.port);
    await again.close();
  });
});
