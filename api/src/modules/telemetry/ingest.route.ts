// POST /ingest/telemetry and /ingest/events: the HTTP bulk endpoints for gateways. Each takes a
// JSON array (or `{ "points": [...] }` / `{ "events": [...] }`) or NDJSON, optionally gzip-compressed,
// of at most 16 MiB unpacked; authenticates by API key with the telemetry:write permission before
// reading the body; and answers like the GraphQL mutations. A W3C traceparent header is followed
// (observability/tracing.ts), and a sampled request's trace is named in the answer's traceparent.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { badInput, ThreadlineError } from '../../common/errors.ts';
import { bodyRouteErrors, sendError } from '../../common/http-route.ts';
import { authenticateFirst, callerOf } from '../../security/authenticate-first.ts';
import { capBody } from '../../security/body-cap.ts';
import { MAX_BATCH, type IngestResult } from '@threadline/db/telemetry/ingest';
import { contextFrom, currentTraceparent, inSpan } from '@threadline/db/observability/tracing';

/** Bytes of one body after unpacking: 50,000 points of ~200 bytes with room. */
const BODY_LIMIT = 16 * 1024 * 1024;
const BODY_LIMIT_TEXT = '16 MiB';

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
    const errors = bodyRouteErrors(services, {
      limit: BODY_LIMIT_TEXT,
      label: 'ingest failed',
      message: 'Ingest failed on the server; nothing in this batch was stored. Retry the batch.',
      unavailableMessage:
        'The database cannot be reached right now, so the batch may not have been stored; resend it after Retry-After seconds (a resend never stores a point twice).',
    });
    scope.setErrorHandler((error, request, reply) =>
      (error as { code?: string }).code?.startsWith('Z_')
        ? sendError(reply, badInput('The body is not valid gzip; send it compressed or drop Content-Encoding: gzip.'))
        : errors(error as Error, request, reply),
    );
    authenticateFirst(scope, services, {
      permission: 'telemetry:write',
      hint: 'Send an API key with the telemetry:write scope (Authorization: Bearer tl_… or X-API-Key).',
      apiKeysOnly: true,
    });
    scope.addHook(
      'preParsing',
      capBody(() => BODY_LIMIT, { gzip: true }),
    );
    scope.addContentTypeParser(['application/x-ndjson', 'application/ndjson'], { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      try {
        done(null, parseNdjson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    const bulk = (path: string, key: 'points' | 'events', ingest: (organizationId: string, items: Record<string, unknown>[]) => Promise<IngestResult>) =>
      scope.post(path, { bodyLimit: BODY_LIMIT }, async (request: FastifyRequest, reply) => {
        const items = itemsOf(request.body, key);
        if (items.length > MAX_BATCH) {
          return sendError(reply, new ThreadlineError('PAYLOAD_TOO_LARGE', `A batch may hold at most ${MAX_BATCH} ${key}; split it.`, { limit: MAX_BATCH }));
        }
        // A trace starts here (or goes on from the caller's traceparent); a sampled one is named in the answer's traceparent.
        return inSpan(`POST ${path}`, { kind: 'SERVER', parent: contextFrom(request.headers), attributes: { 'threadline.items': items.length } }, async () => {
          const traceparent = currentTraceparent();
          if (traceparent) void reply.header('traceparent', traceparent);
          return ingest(callerOf(request).organizationId, items);
        });
      });
    bulk('/ingest/telemetry', 'points', (organizationId, items) => services.ingest.ingest(organizationId, items));
    bulk('/ingest/events', 'events', (organizationId, items) => services.events.ingest(organizationId, items));
  });
}
