// The plant's file formats in one place: reading a file into a document (with its problems by row
// or element) and writing the plant out, as CSV, OPC UA NodeSet2 or DTDL v3.
import type { RawSql } from '../sql.ts';
import type { AuditActor } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { readPlantCsv, plantCsv } from './plant-csv.ts';
import { readNodeSet2, plantNodeSet2 } from './nodeset2.ts';
import { readDtdl, plantDtdl } from './dtdl.ts';
import { importPlant, type ImportResult } from './plant-import.ts';
import { readPlant, type PlantScope } from './plant-read.ts';

export const PLANT_FORMATS = ['CSV', 'NODESET2', 'DTDL'] as const;
export type PlantFormat = (typeof PLANT_FORMATS)[number];

export interface PlantFileImport {
  format: PlantFormat;
  content: string;
  dryRun: boolean;
  /** NodeSet2: the site of line folders that sit in no site folder. */
  site: string | null;
}

/** Reads the file and plans (dry run) or applies it; a file's own problems keep it from being applied. */
export async function importPlantFile(db: RawSql, organizationId: string, file: PlantFileImport, actor: AuditActor, clock: Clock): Promise<ImportResult> {
  const read =
    file.format === 'CSV' ? readPlantCsv(file.content) : file.format === 'NODESET2' ? readNodeSet2(file.content, { site: file.site }) : readDtdl(file.content);
  const result = await importPlant(db, organizationId, read.document, { dryRun: file.dryRun || read.problems.length > 0, actor, clock });
  return { ...result, problems: [...read.problems, ...result.problems] };
}

export async function exportPlantFile(db: RawSql, organization: { id: string; slug: string }, format: PlantFormat, scope: PlantScope): Promise<string> {
  const doc = await readPlant(db, organization.id, scope);
  const prefix = `threadline:${organization.slug.replace(/[^A-Za-z0-9]+/g, '_').replace(/^[^A-Za-z]+/, '') || 'plant'}`;
  if (format === 'CSV') return plantCsv(doc);
  if (format === 'NODESET2') return plantNodeSet2(doc, `urn:${prefix.replace(':', ':plant:')}`);
  return `${JSON.stringify(plantDtdl(doc, prefix), null, 2)}\n`;
}
