// One Parquet export: the first page is read before anything is sent, so a range with no data is
// answered as such (null) instead of with an empty file; the rest streams (parquet-stream.ts).
import type { Readable } from 'node:stream';
import type { RawSql } from '../sql.ts';
import { DATASETS, exportPages, type ExportRequest } from './parquet-datasets.ts';
import { parquetStream } from './parquet-stream.ts';

export async function openParquetExport(db: RawSql, request: ExportRequest, pageRows?: number): Promise<Readable | null> {
  const pages = exportPages(db, request, pageRows);
  const first = await pages.next();
  if (first.done) return null;
  async function* all() {
    yield first.value!;
    yield* pages;
  }
  return parquetStream(DATASETS[request.dataset].columns, all(), {
    'threadline.dataset': request.dataset,
    'threadline.from': request.from.toISOString(),
    'threadline.to': request.to.toISOString(),
    ...(request.dataset === 'rollups' ? { 'threadline.resolution': request.resolution } : {}),
  });
}
