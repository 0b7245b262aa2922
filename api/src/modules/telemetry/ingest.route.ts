// POST /ingest/telemetry and /ingest/events: the HTTP bulk endpoints for gateways. Each takes a
// JSON array (or `{ "points": [...] }` / `{ "events": [...] }`) or NDJSON, optionally gzip-compressed;
// authenticates by API key or session token with the telemetry:write permission; and answers like
// the GraphQL mutations.
import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { badInput, ThreadlineError } from '../../common/errors.ts';
import { requirePermission, sendError, sendUnexpected } from '../../common/http-route.ts';
import { MAX_BATCH, type IngestResult } from '@threadline/db/telemetry/ingest';

const BODY_LIMIT = 64 * 1024 * 1024;

function parseNdjson(body: string): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      points.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      throw badInput(`Line ${i + 1} is not valid JSON; each line must be one object.`, { line: i + 1 });
    }
  }
  return points;
}

function itemsOf(body: unknown, key: 'points' | 'events'): Record<string, unknown>[] {
  const items = Array.isArray(body) ? body : (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(items)) throw badInput(`Send a JSON array of ${key}, an object { "${key}": [...] }, or NDJSON.`);
  return items.map((p) => (p !== null && typeof p === 'object' ? (p as Record<string, unknown>) : {}));
}

export async function registerIngestRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      try {
        done(null, parseNdjson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    scope.addHook('preParsing', async (request, _reply, payload) => {
      if (request.headers['content-encoding'] !== 'gzip') return payload;
      delete request.headers['content-encoding'];
      // Fastify checks Content-Length against the bytes received, not the bytes unzipped.
      const gunzip = Object.assign(createGunzip(), { receivedEncodedLength: 0 });
      payload.on('data', (chunk: Buffer) => {
        gunzip.receivedEncodedLength += chunk.length;
      });
      return payload.pipe(gunzip);
    });
    scope.setErrorHandler((error, _request, reply) => {
      if (error instanceof ThreadlineError) return sendError(reply, error);
      if ((error as { code?: string }).code?.startsWith('Z_'))
        return sendError(reply, badInput('The body is not valid gzip; send it compressed or drop Content-Encoding: gzip.'));
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status === 413) return sendError(reply, badInput(`The body is larger than ${BODY_LIMIT / 1024 / 1024} MiB; send smaller batches.`), 413);
      if (status < 500) return sendError(reply, badInput(`The body could not be read: ${(error as Error).message}`));
      return sendUnexpected(
        services,
        reply,
        error,
        'ingest failed',
        'Ingest failed on the server; nothing in this batch was stored. Retry the batch.',
        'The database cannot be reached right now, so the batch may not have been stored; resend it after Retry-After seconds (a resend never stores a point twice).',
      );
    });

    const bulk = (path: string, key: 'points' | 'events', ingest: (organizationId: string, items: Record<string, unknown>[]) => Promise<IngestResult>) =>
      scope.post(path, { bodyLimit: BODY_LIMIT }, async (request: FastifyRequest, reply) => {
        const principal = await requirePermission(
          services,
          request,
          'telemetry:write',
          'Send an API key with the telemetry:write scope (Authorization: Bearer tl_…).',
        );
        const items = itemsOf(request.body, key);
        if (items.length > MAX_BATCH) {
          return sendError(reply, badInput(`A batch may hold at most ${MAX_BATCH} ${key}; split it.`), 413);
        }
        return ingest(principal.organizationId, items);
      });
    bulk('/ingest/telemetry', 'points', (organizationId, items) => services.ingest.ingest(organizationId, items));
    bulk('/ingest/events', 'events', (organizationId, items) => services.events.ingest(organizationId, items));
  });
}
