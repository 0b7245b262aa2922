// Downloads: GET /export/audit.csv and /export/audit.json (the organisation's audit trail, filtered
// by from, to, type and subjectType; at most 100,000 events, oldest first), GET
// /export/models/:id/card.md and card.json (the model card), GET /export/compliance/iso27001.md and
// .json (the ISO/IEC 27001:2022 Annex A control map), and GET /export/parquet/:dataset (telemetry,
// rollups, predictions or insights over [from, to) and a scope, as a streamed Parquet file, for the
// data lake), and GET /export/plant.csv, plant.nodeset2.xml and plant.dtdl.json (the plant, or a
// site or line of it, in the formats importPlant reads). Authenticated like the API (session token or API key) with the read permission; only
// the caller's organisation is read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildModelCard, modelCardMarkdown } from '@threadline/db/models/model-card';
import { iso27001Map, iso27001Markdown, securityFacts } from '@threadline/db/audit/iso27001';
import { rawSqlOf } from '@threadline/db/sql';
import { auditCsv, exportAuditEvents } from '@threadline/db/audit/audit-export';
import { parseRfc3339, RFC3339_HINT } from '@threadline/db/rfc3339';
import { isUuid } from '@threadline/db/uuid';
import { openParquetExport } from '@threadline/db/exports/parquet-export';
import { parquetExportRequest } from '../exports/parquet-request.ts';
import { exportPlantFile, type PlantFormat } from '@threadline/db/plant/plant-files';
import { readerFor, type Services } from '../../services.ts';
import { callerKey } from '../../auth/principal.ts';
import { badInput, notFound, ThreadlineError } from '../../common/errors.ts';
import { sendError, sendUnexpected } from '../../common/http-route.ts';
import { authenticateFirst, callerOf } from '../../security/authenticate-first.ts';

function dateParam(value: unknown, name: string): Date | null {
  if (value === undefined || value === '') return null;
  const d = parseRfc3339(String(value));
  if (!d) throw badInput(`${name} must be ${RFC3339_HINT}.`, { field: name });
  return d;
}

export async function registerExportRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      if (error instanceof ThreadlineError) return sendError(reply, error);
      return sendUnexpected(services, reply, error, 'export failed', 'The export failed on the server; try again.');
    });
    authenticateFirst(scope, services, { permission: 'read', hint: 'Send a session token or an API key with the read scope (Authorization: Bearer …).' });
    const audit = async (request: FastifyRequest, reply: FastifyReply, format: 'csv' | 'json') => {
      const principal = callerOf(request);
      const q = request.query as Record<string, unknown>;
      const from = dateParam(q.from, 'from');
      const to = dateParam(q.to, 'to');
      const rows = await exportAuditEvents(rawSqlOf(readerFor(services, callerKey(principal)).pool), principal.organizationId, {
        from,
        to,
        type: q.type ? String(q.type) : null,
        subjectType: q.subjectType ? String(q.subjectType) : null,
      });
      const stamp = services.clock.now().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="audit-trail-${stamp}.${format}"`);
      if (format === 'json') return reply.type('application/json').send(rows);
      return reply.type('text/csv; charset=utf-8').send(auditCsv(rows));
    };
    scope.get('/export/audit.csv', (request, reply) => audit(request, reply, 'csv'));
    scope.get('/export/audit.json', (request, reply) => audit(request, reply, 'json'));

    const card = async (request: FastifyRequest, reply: FastifyReply, format: 'md' | 'json') => {
      const principal = callerOf(request);
      const { id } = request.params as { id: string };
      if (!isUuid(id)) throw badInput('The model id must be a UUID.', { field: 'id' });
      const built = await buildModelCard(rawSqlOf(readerFor(services, callerKey(principal)).pool), principal.organizationId, id);
      if (!built) throw notFound('Model', id);
      reply.header('content-disposition', `attachment; filename="model-card-${built.model.name.replace(/[^A-Za-z0-9_-]+/g, '-')}.${format}"`);
      return format === 'json' ? reply.type('application/json').send(built) : reply.type('text/markdown; charset=utf-8').send(modelCardMarkdown(built));
    };
    const iso = async (request: FastifyRequest, reply: FastifyReply, format: 'md' | 'json') => {
      const map = iso27001Map(await securityFacts(rawSqlOf(services.db.pool), callerOf(request).organizationId), services.clock.now());
      reply.header('content-disposition', `attachment; filename="iso27001-annex-a.${format}"`);
      return format === 'json' ? reply.type('application/json').send(map) : reply.type('text/markdown; charset=utf-8').send(iso27001Markdown(map));
    };
    scope.get('/export/compliance/iso27001.md', (request, reply) => iso(request, reply, 'md'));
    scope.get('/export/compliance/iso27001.json', (request, reply) => iso(request, reply, 'json'));
    scope.get('/export/models/:id/card.md', (request, reply) => card(request, reply, 'md'));
    scope.get('/export/models/:id/card.json', (request, reply) => card(request, reply, 'json'));

    const plant = async (request: FastifyRequest, reply: FastifyReply, format: PlantFormat, file: string, type: string) => {
      const principal = callerOf(request);
      const q = request.query as Record<string, unknown>;
      const db = rawSqlOf(readerFor(services, callerKey(principal)).pool);
      const organization = await services.db.prisma.organization.findUniqueOrThrow({
        where: { id: principal.organizationId },
        select: { id: true, slug: true },
      });
      const text = await exportPlantFile(db, organization, format, { site: q.site ? String(q.site) : null, line: q.line ? String(q.line) : null });
      reply.header('content-disposition', `attachment; filename="${file}"`);
      return reply.type(type).send(text);
    };
    scope.get('/export/plant.csv', (request, reply) => plant(request, reply, 'CSV', 'plant.csv', 'text/csv; charset=utf-8'));
    scope.get('/export/plant.nodeset2.xml', (request, reply) => plant(request, reply, 'NODESET2', 'plant.nodeset2.xml', 'application/xml; charset=utf-8'));
    scope.get('/export/plant.dtdl.json', (request, reply) => plant(request, reply, 'DTDL', 'plant.dtdl.json', 'application/json'));

    scope.get('/export/parquet/:dataset', async (request, reply) => {
      const principal = callerOf(request);
      const exportRequest = parquetExportRequest(principal.organizationId, (request.params as { dataset: string }).dataset, request.query);
      const stream = await openParquetExport(rawSqlOf(readerFor(services, callerKey(principal)).pool), exportRequest);
      if (!stream) {
        throw new ThreadlineError(
          'NOT_FOUND',
          `No ${exportRequest.dataset} in [${exportRequest.from.toISOString()}, ${exportRequest.to.toISOString()}) for this scope.`,
        );
      }
      const stamp = `${exportRequest.from.toISOString().slice(0, 10)}_${exportRequest.to.toISOString().slice(0, 10)}`;
      reply.header('content-disposition', `attachment; filename="${exportRequest.dataset}-${stamp}.parquet"`);
      return reply.type('application/vnd.apache.parquet').send(stream);
    });
  });
}
