// The committed api/schema.graphql is the schema the code builds; run `npm run emit-schema -w
// @threadline/api` after changing a type, input or resolver.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printContract, SCHEMA_FILE } from './schema-contract.ts';

describe('GraphQL contract', () => {
  it('matches the committed api/schema.graphql', async () => {
    expect(await printContract()).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });
});
