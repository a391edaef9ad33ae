import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { closeServer, listen } from '@telltale/service';
import type { Logger } from 'pino';
import { DEFAULT_MAX_INPUT_BYTES, failurePath } from '../../decode/decoders.ts';
import { decodeOtlpJson } from '../../decode/otlp-json.ts';
import { decodeOtlpProto } from '../../decode/otlp-proto.ts';
import type { Span } from '../../span.ts';
import { readRequestBody } from './request-body.ts';
import {
  badRequestBody,
  contentType,
  partialSuccessBody,
  RPC_INVALID_ARGUMENT,
  RPC_NOT_FOUND,
  RPC_RESOURCE_EXHAUSTED,
  RPC_UNAVAILABLE,
  RPC_UNIMPLEMENTED,
  statusBody,
  successBody,
  type WireEncoding,
} from './rpc-status.ts';

/** Spans a sink refused, and why: the 200 answer then carries them as partial_success, as OTLP requires. */
export interface SpanRejection {
  rejected: number;
  message: string;
}

/**
 * Where decoded spans go. The receiver answers 200 only after it returns (or
 * its promise resolves); a SpanRejection with `rejected > 0` makes that a
 * partial success.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a sink that returns nothing (spans => engine.process(...)) must fit
export type SpanSink = (spans: Span[]) => void | SpanRejection | Promise<void | SpanRejection>;

/** What happened to one request, for the caller's metrics and logs. */
export interface ReceiverOutcome {
  path: string;
  status: number;
  /** Spans handed to the sink (0 for metrics and logs, which are dropped). */
  spans: number;
  /** Of those, the ones the sink refused (reported to the client as partial_success). */
  rejected?: number;
  /** Why a request was refused; absent on success. */
  reason?: string;
}

export interface OtlpHttpReceiverOptions {
  /** Receives the spans of each accepted /v1/traces request. */
  sink: SpanSink;
  /** Body limit in bytes, before and after decompression. Default 20 MiB, as the OTLP/HTTP spec recommends. */
  maxBodyBytes?: number;
  /**
   * Answer POST /v1/metrics and /v1/logs with 200 and drop their bodies, so SDKs
   * that export every signal to :4318 do not log export errors. Default true.
   */
  acceptOtherSignals?: boolean;
  /** Called once per request after the response is sent. */
  onOutcome?: (outcome: ReceiverOutcome) => void;
  logger?: Logger;
}

const TRACES = '/v1/traces';
const OTHER_SIGNALS = new Set(['/v1/metrics', '/v1/logs']);

/**
 * The OTLP/HTTP receiver as a request listener (mount it on any node:http
 * server). POST /v1/traces with Content-Type application/x-protobuf or
 * application/json, optionally gzip/deflate/zstd encoded, answered as the
 * OTLP/HTTP specification says: 200 with an empty Export response (with
 * partial_success when the sink refused some spans), 400 for a
 * body that cannot be decoded, 413 over the size limit, 415 for another media
 * type or content coding, 503 when the sink fails (clients retry), 405 for
 * another method, 404 for another path; errors carry a google.rpc.Status in
 * the request's encoding.
 */
export function createOtlpHttpListener(options: OtlpHttpReceiverOptions): RequestListener {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  }
  const acceptOther = options.acceptOtherSignals ?? true;
  const { sink, onOutcome, logger } = options;

  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const send = (
      encoding: WireEncoding,
      status: number,
      body: Buffer,
      spans: number,
      reason?: string,
      rejected?: number,
    ) => {
      res.statusCode = status;
      // The spec wants the request's Content-Type back; only application/protobuf differs from the default name.
      res.setHeader(
        'Content-Type',
        encoding === 'proto' && protobufAlias(req) ? 'application/protobuf' : contentType(encoding),
      );
      res.setHeader('Content-Length', body.length);
      res.end(body);
      if (reason !== undefined) logger?.debug({ path, status, reason }, 'otlp/http request refused');
      onOutcome?.({
        path,
        status,
        spans,
        ...(reason === undefined ? {} : { reason }),
        ...(rejected ? { rejected } : {}),
      });
    };
    const refuse = (encoding: WireEncoding, status: number, code: number, reason: string) => {
      // Do not keep reading (and discarding) an oversized body on a kept-alive connection.
      if (status === 413) res.setHeader('Connection', 'close');
      const field = status === 400 ? failurePath(reason) : '';
      const body = field !== '' ? badRequestBody(encoding, reason, field) : statusBody(encoding, code, reason);
      send(encoding, status, body, 0, reason);
    };

    const isTraces = path === TRACES;
    if (!isTraces && !(acceptOther && OTHER_SIGNALS.has(path))) {
      req.resume();
      refuse('json', 404, RPC_NOT_FOUND, `no OTLP endpoint at ${path}; traces go to POST ${TRACES}`);
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'POST');
      refuse('json', 405, RPC_UNIMPLEMENTED, `method ${req.method} is not allowed on ${path}; use POST`);
      return;
    }
    const encoding = wireEncoding(req);
    if (encoding === undefined) {
      req.resume();
      // Refusals before the encoding is known answer in JSON: the one a human debugging with curl can read.
      refuse(
        'json',
        415,
        RPC_INVALID_ARGUMENT,
        `unsupported Content-Type "${req.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`,
      );
      return;
    }
    void handle(req, isTraces, encoding).then(
      (r) => {
        if (r.reason !== undefined) refuse(encoding, r.status, r.code, r.reason);
        else if (r.rejection && r.rejection.rejected > 0)
          send(encoding, 200, partialSuccessBody(encoding, r.rejection), r.spans, undefined, r.rejection.rejected);
        else send(encoding, 200, successBody(encoding), r.spans);
      },
      (err: unknown) => {
        logger?.error({ err, path }, 'otlp/http sink failed');
        refuse(
          encoding,
          503,
          RPC_UNAVAILABLE,
          `spans could not be processed: ${(err as Error)?.message ?? String(err)}`,
        );
      },
    );
  };

  /** A refusal (status, rpc code, reason), or the spans accepted and what the sink rejected of them. */
  async function handle(
    req: IncomingMessage,
    isTraces: boolean,
    encoding: WireEncoding,
  ): Promise<{ status: number; code: number; reason?: string; spans: number; rejection?: SpanRejection }> {
    const body = await readRequestBody(req, maxBodyBytes);
    if (!body.ok) {
      const code = body.status === 413 ? RPC_RESOURCE_EXHAUSTED : RPC_INVALID_ARGUMENT;
      return { status: body.status, code, reason: body.message, spans: 0 };
    }
    // Other signals are accepted and dropped: the processor reads traces only.
    if (!isTraces) return { status: 200, code: 0, spans: 0 };
    const decoded = encoding === 'proto' ? decodeOtlpProto(body.body) : decodeOtlpJson(body.body);
    if (!decoded.ok) return { status: 400, code: RPC_INVALID_ARGUMENT, reason: decoded.reason, spans: 0 };
    if (decoded.spans.length === 0) return { status: 200, code: 0, spans: 0 };
    const rejection = await sink(decoded.spans);
    return { status: 200, code: 0, spans: decoded.spans.length, ...(rejection ? { rejection } : {}) };
  }
}

/** The body encoding a Content-Type names, or undefined if the receiver does not speak it. */
function protobufAlias(req: IncomingMessage): boolean {
  return /^\s*application\/protobuf\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

function wireEncoding(req: IncomingMessage): WireEncoding | undefined {
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'proto';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

export interface OtlpHttpReceiverServerOptions extends OtlpHttpReceiverOptions {
  /** Default 4318, the OTLP/HTTP port; 0 picks a free one. */
  port?: number;
  /** Default 127.0.0.1; use 0.0.0.0 to accept from other hosts (for example inside a container). */
  host?: string;
}

export interface RunningOtlpHttpReceiver {
  /** Base URL, e.g. http://127.0.0.1:4318 (traces at `${url}/v1/traces`). */
  url: string;
  host: string;
  port: number;
  server: Server;
  /** Stops accepting, lets in-flight requests finish, closes idle keep-alive connections. */
  close(): Promise<void>;
}

/** Starts the receiver on its own node:http server. */
export async function startOtlpHttpReceiver(options: OtlpHttpReceiverServerOptions): Promise<RunningOtlpHttpReceiver> {
  const listener = createOtlpHttpListener(options);
  const server = createServer(listener);
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 4318, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    server,
    close: () => closeServer(server),
  };
}
