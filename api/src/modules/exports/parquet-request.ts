// The Parquet export's query string: the dataset, [from, to) in RFC 3339 (at most 366 days), the
// scope by site, line and asset codes and (telemetry, rollups) a signal name, and the rollups'
// resolution. A bad one is BAD_USER_INPUT naming the parameter.
import { z } from 'zod';
import { PARQUET_DATASETS, type ExportRequest } from '@threadline/db/exports/parquet-datasets';
import { ROLLUP_WIDTHS } from '@threadline/db/telemetry/rollups';
import { parseRfc3339, RFC3339_HINT } from '@threadline/db/rfc3339';
import { badInput } from '../../common/errors.ts';
import { parsedBody } from '../../common/http-route.ts';

const MAX_DAYS = 366;
const instant = z.string().transform((value, ctx) => {
  const parsed = parseRfc3339(value);
  if (!parsed) ctx.addIssue({ code: 'custom', message: `must be ${RFC3339_HINT}` });
  return parsed ?? new Date(0);
});
const code = z.string().min(1).max(120).optional();

const querySchema = z.object({
  from: instant,
  to: instant,
  site: code,
  line: code,
  asset: code,
  signal: code,
  resolution: z.enum(ROLLUP_WIDTHS).default('1h'),
});

export function parquetExportRequest(organizationId: string, dataset: string, query: unknown): ExportRequest {
  if (!(PARQUET_DATASETS as readonly string[]).includes(dataset)) {
    throw badInput(`The dataset must be one of ${PARQUET_DATASETS.join(', ')}.`, { field: 'dataset' });
  }
  const q = parsedBody(querySchema, query);
  if (q.to <= q.from) throw badInput('to must be after from.', { field: 'to' });
  if (q.to.getTime() - q.from.getTime() > MAX_DAYS * 86_400_000)
    throw badInput(`A range covers at most ${MAX_DAYS} days; export it in parts.`, { field: 'to' });
  if (q.signal && dataset !== 'telemetry' && dataset !== 'rollups') throw badInput('signal narrows telemetry and rollups only.', { field: 'signal' });
  return {
    organizationId,
    dataset: dataset as ExportRequest['dataset'],
    from: q.from,
    to: q.to,
    scope: { site: q.site ?? null, line: q.line ?? null, asset: q.asset ?? null, signal: q.signal ?? null },
    resolution: q.resolution,
  };
}
