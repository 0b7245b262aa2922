// POST /ingest/frames: camera frames from gateways and cameras, one per request, as multipart form
// data (fields assetId or assetCode, camera, time, optionally label, and the image as a file part)
// or as a bare image body (Content-Type image/jpeg or image/png) with those fields in the query
// string. The caller is authenticated with an API key holding telemetry:write before a byte of the
// body is read; a body past MAX_FRAME_BYTES is refused with 413 as it streams, and bytes that are
// not a complete JPEG or PNG with 400, both before anything is stored. A frame sent again (same
// asset, camera and time) is stored once. GET /frames/:id answers a frame's bytes to a signed-in
// person or an API key with read access (the portal shows frames through it).
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_FRAME_BYTES, MAX_FRAME_BYTES_TEXT } from '@threadline/db/vision/frame-format';
import type { RawFrame } from '@threadline/db/vision/frame-ingest';
import { frameBytes } from '@threadline/db/vision/frame-queries';
import type { Services } from '../../services.ts';
import { badInput, notFound, requireUuid } from '../../common/errors.ts';
import { bodyRouteErrors } from '../../common/http-route.ts';
import { authenticateFirst, callerOf } from '../../security/authenticate-first.ts';
import { capBody } from '../../security/body-cap.ts';

/** Room for the multipart boundaries and fields around the image. */
const ENVELOPE_BYTES = 64 * 1024;
const FIELDS = ['assetId', 'assetCode', 'camera', 'time', 'label'] as const;

function frameOf(fields: Record<string, unknown>, bytes: Buffer): RawFrame {
  const frame: RawFrame = { bytes };
  for (const name of FIELDS) if (typeof fields[name] === 'string') frame[name] = fields[name];
  return frame;
}

async function multipartFrame(request: FastifyRequest): Promise<RawFrame> {
  const fields: Record<string, unknown> = {};
  let bytes: Buffer | null = null;
  for await (const part of request.parts({ limits: { fileSize: MAX_FRAME_BYTES, files: 1, fields: 10, fieldSize: 1024 } })) {
    if (part.type === 'file') bytes = await part.toBuffer();
    else fields[part.fieldname] = part.value;
  }
  if (!bytes) throw badInput('Send the image as a file part of the form, with fields assetId (or assetCode), camera and time.');
  return frameOf(fields, bytes);
}

export async function registerFrameRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const errors = bodyRouteErrors(services, {
    limit: MAX_FRAME_BYTES_TEXT,
    label: 'frame ingest failed',
    message: 'Storing the frame failed on the server; send it again (a resend is never stored twice).',
  });
  await app.register(async (scope) => {
    scope.setErrorHandler(errors);
    authenticateFirst(scope, services, {
      permission: 'telemetry:write',
      hint: 'Send an API key with the telemetry:write scope (Authorization: Bearer tl_… or X-API-Key).',
      apiKeysOnly: true,
    });
    scope.addHook(
      'preParsing',
      capBody((request) => (request.isMultipart() ? MAX_FRAME_BYTES + ENVELOPE_BYTES : MAX_FRAME_BYTES), { gzip: false }),
    );
    await scope.register(multipart);
    scope.addContentTypeParser(['image/jpeg', 'image/png'], { parseAs: 'buffer', bodyLimit: MAX_FRAME_BYTES }, (_request, body, done) => done(null, body));
    scope.post('/ingest/frames', { bodyLimit: MAX_FRAME_BYTES + ENVELOPE_BYTES }, async (request, reply) => {
      const frame = request.isMultipart()
        ? await multipartFrame(request)
        : Buffer.isBuffer(request.body)
          ? frameOf(request.query as Record<string, unknown>, request.body)
          : null;
      if (!frame) throw badInput('Send multipart/form-data, or the image itself as image/jpeg or image/png with the fields in the query string.');
      const result = await services.frames.ingest.ingest(callerOf(request).organizationId, [frame]);
      const refused = result.rejected[0];
      if (refused) throw badInput(`The frame was refused: ${refused.reason}.`, { reason: refused.reason });
      return reply
        .code(result.accepted > 0 ? 201 : 200)
        .send({ accepted: result.accepted, duplicates: result.duplicates, frameId: result.frameIds[0] ?? null });
    });
  });

  await app.register(async (scope) => {
    scope.setErrorHandler(errors);
    authenticateFirst(scope, services, { permission: 'read', hint: 'Sign in, or send an API key with read access.' });
    scope.get('/frames/:id', async (request, reply) => {
      const id = requireUuid((request.params as { id: string }).id);
      const frame = await frameBytes(services.db.pool, services.frames.store, callerOf(request).organizationId, id);
      if (!frame) throw notFound('Frame', id);
      return reply.header('content-type', frame.contentType).header('cache-control', 'private, max-age=86400, immutable').send(frame.bytes);
    });
  });
}
