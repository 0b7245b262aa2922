// The committed GraphQL contract: the schema printed with types and fields in a stable order.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { fileURLToPath } from 'node:url';
import { buildThreadlineSchema } from './schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

export async function printContract(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildThreadlineSchema()))}\n`;
}
