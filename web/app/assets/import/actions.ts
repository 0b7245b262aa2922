'use server';
// Checks (a dry run) or imports a plant file through the API's importPlant; the page lists what it
// would change, or changed, and every problem by row or element.
import { revalidatePath } from 'next/cache';
import { ApiError, graphql } from '../../../lib/graphql';

export interface ImportView {
  applied: boolean;
  counts: { create: number; update: number; unchanged: number };
  changes: { entity: string; key: string; action: string; where: string; fields: Record<string, [unknown, unknown]> }[];
  problems: { where: string; field: string | null; message: string }[];
}

export interface ImportState {
  error: string | null;
  result: ImportView | null;
  dryRun: boolean;
}

const IMPORT = `mutation($i: PlantImportInput!) { importPlant(input: $i) {
  applied counts { create update unchanged } changes { entity key action where fields } problems { where field message } } }`;

export async function checkOrImport(_previous: ImportState, form: FormData): Promise<ImportState> {
  const file = form.get('file');
  const dryRun = form.get('mode') !== 'apply';
  if (!(file instanceof File) || file.size === 0) return { error: 'Choose a file first.', result: null, dryRun };
  try {
    const data = await graphql<{ importPlant: ImportView }>(IMPORT, {
      i: { format: String(form.get('format') ?? 'CSV'), content: await file.text(), dryRun, site: String(form.get('site') ?? '') || undefined },
    });
    if (data.importPlant.applied) revalidatePath('/assets');
    return { error: null, result: data.importPlant, dryRun };
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'The file could not be checked; try again.', result: null, dryRun };
  }
}
