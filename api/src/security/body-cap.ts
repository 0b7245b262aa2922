// Bodies are read through a counter that refuses with 413 the moment a body passes its limit,
// counted after unpacking: a gzip body is unpacked while it streams and unpacking stops at the
// limit, so a small compressed body cannot make the server unpack gigabytes. The limit may depend
// on the caller (anonymous callers of /graphql may only sign in).
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyRequest, preParsingAsyncHookHandler } from 'fastify';
import { badInput, payloadTooLarge } from '../common/errors.ts';

const MiB = 1024 * 1024;

/** A preParsing hook: the body, unpacked when gzip (where `gzip` allows it), cut off past `limitOf(request)` bytes. */
export function capBody(limitOf: (request: FastifyRequest) => number, options: { gzip: boolean }): preParsingAsyncHookHandler {
  return async (request, reply, payload) => {
    const limit = limitOf(request);
    if (Number(request.headers['content-length']) > limit) throw payloadTooLarge(limitText(limit));
    const encoding = String(request.headers['content-encoding'] ?? 'identity')
      .trim()
      .toLowerCase();
    const gzip = encoding === 'gzip';
    if (encoding !== 'identity' && !(gzip && options.gzip)) {
      throw badInput(options.gzip ? 'Content-Encoding must be gzip or none.' : 'This route takes an uncompressed body; drop Content-Encoding.');
    }
    if (gzip) delete request.headers['content-encoding'];
    const unpack = gzip ? createGunzip() : null;
    const source: Readable = unpack ? payload.pipe(unpack) : payload;
    let received = 0;
    let unpacked = 0;
    const capped = Object.assign(
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          unpacked += chunk.length;
          if (unpacked <= limit) return callback(null, chunk);
          // Stop unpacking now; the rest of the upload is drained unread and the connection closed.
          payload.unpipe();
          unpack?.destroy();
          payload.resume();
          reply.header('connection', 'close');
          return callback(payloadTooLarge(limitText(limit)));
        },
      }),
      // Fastify checks Content-Length against the bytes received, not the bytes unpacked.
      { receivedEncodedLength: 0 },
    );
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
      capped.receivedEncodedLength = received;
    });
    unpack?.on('error', (error) => capped.destroy(error));
    return source.pipe(capped);
  };
}

function limitText(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}
