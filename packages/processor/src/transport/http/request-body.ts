import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';

/** The request body, or the status to refuse it with and why. */
export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413 | 415; message: string };

/** Content-Encoding values the receiver can undo; `identity` and none mean as is. */
const CONTENT_ENCODINGS = ['gzip', 'deflate', 'zstd'] as const;

function decompressorFor(encoding: string): Transform | undefined | null {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'zstd':
      // Node.js 22.15+ and 23.8+: on an older one zstd is a coding this receiver cannot undo (415, not a failure).
      return typeof zlib.createZstdDecompress === 'function' ? zlib.createZstdDecompress() : null;
    default:
      return null;
  }
}

/**
 * Reads a request body, undoing its Content-Encoding, and stops as soon as it
 * exceeds `maxBytes` before or after decompression (a small gzip bomb never
 * inflates past the limit). On refusal the rest of the body is drained and
 * discarded so the response can still be written.
 */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decompressor = decompressorFor(encoding);
  if (decompressor === null) {
    req.resume();
    return Promise.resolve({
      ok: false,
      status: 415,
      message: `unsupported Content-Encoding "${encoding}"; use one of ${CONTENT_ENCODINGS.join(', ')} or none`,
    });
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    decompressor?.destroy();
    return Promise.resolve({ ok: false, status: 413, message: tooLargeMessage(maxBytes, false) });
  }

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let raw = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    const refuse = (status: 400 | 413, message: string): void => {
      if (decompressor !== undefined) {
        req.unpipe(decompressor);
        decompressor.destroy();
      }
      req.removeListener('data', onRawData);
      req.resume();
      finish({ ok: false, status, message });
    };
    const onData = (chunk: Buffer): void => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) refuse(413, tooLargeMessage(maxBytes, decompressor !== undefined));
      else chunks.push(chunk);
    };
    const onRawData = (chunk: Buffer): void => {
      raw += chunk.length;
      if (raw > maxBytes && !done) refuse(413, tooLargeMessage(maxBytes, false));
    };
    req.on('error', (err) =>
      finish({ ok: false, status: 400, message: `request body could not be read: ${err.message}` }),
    );
    // A client that disconnects mid-body may emit no error; without this the read would never settle.
    req.on('close', () => {
      if (!req.complete) finish({ ok: false, status: 400, message: 'request aborted before the body was complete' });
    });
    if (decompressor === undefined) {
      req.on('data', onData);
      req.on('end', () => finish({ ok: true, body: concat(chunks, size) }));
    } else {
      req.on('data', onRawData);
      decompressor.on('data', onData);
      decompressor.on('end', () => finish({ ok: true, body: concat(chunks, size) }));
      decompressor.on('error', (err) => {
        if (!done) refuse(400, `request body is not valid ${encoding}: ${err.message}`);
      });
      req.pipe(decompressor);
    }
  });
}

function tooLargeMessage(maxBytes: number, decompressed: boolean): string {
  return `request body exceeds the limit of ${maxBytes} bytes${decompressed ? ' after decompression' : ''}`;
}

function concat(chunks: Buffer[], size: number): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
