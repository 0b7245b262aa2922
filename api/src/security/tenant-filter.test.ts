// What distributing the database by organisation (Citus, docs/scaling.md) needs: every statement the
// API sends that reads or writes a tenant table (one with organization_id) names organization_id,
// so a distributed database can route it to the organisation's shard. Every root query without an
// input object is called (required ids, texts and numbers made up; a NOT_FOUND still runs its
// statements) as a viewer and as an admin, plus the usual writes; every statement is checked.
import { randomUUID } from 'node:crypto';
import { getNamedType, isEnumType, isInputObjectType, isNonNullType, isObjectType, type GraphQLField, type GraphQLInputType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { buildThreadlineSchema } from '../schema.ts';

/** A made-up value for a required argument, or null when the argument takes an input object. */
function argumentValue(type: GraphQLInputType): string | null {
  const named = getNamedType(type);
  if (isInputObjectType(named)) return null;
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (named.name === 'ID') return JSON.stringify(randomUUID());
  if (named.name === 'Int' || named.name === 'Float') return '1';
  if (named.name === 'Boolean') return 'true';
  if (named.name === 'DateTime' || named.name === 'DateTimeISO') return JSON.stringify(new Date().toISOString());
  return JSON.stringify('x');
}

/** `{ field(args) { selection } }` for a root query, or null when it needs an input object. */
function queryOf(field: GraphQLField<unknown, unknown>): string | null {
  const args: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
    const value = argumentValue(arg.type);
    if (value === null) return null;
    args.push(`${arg.name}: ${value}`);
  }
  const type = getNamedType(field.type);
  const fields = isObjectType(type) ? type.getFields() : null;
  const selection = !fields ? '' : `{ __typename ${fields.totalCount ? 'totalCount' : ''} ${fields.nodes ? 'nodes { __typename }' : ''} }`;
  return `{ ${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''} ${selection} }`;
}

const TABLE = /\b(?:from|join|into|update)\s+(?:"?public"?\.)?"?([a-z_0-9]+)"?/gi;

describe('tenant statements name organization_id', () => {
  let api: ApiHarness;
  let tenantTables: Set<string>;
  const offenders: { operation: string; table: string; sql: string }[] = [];
  let checked = 0;

  const check = (operation: string, statements: string[]) => {
    for (const sql of statements) {
      const tables = [...sql.matchAll(TABLE)].map((m) => m[1]!.toLowerCase()).filter((t) => tenantTables.has(t));
      if (tables.length === 0) continue;
      checked += 1;
      if (!/organization_id/i.test(sql)) offenders.push({ operation, table: tables[0]!, sql: sql.replace(/\s+/g, ' ').slice(0, 200) });
    }
  };

  beforeAll(async () => {
    api = await startApi();
    const { rows } = await api.services.db.pool.query<{ table_name: string }>(
      "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id'",
    );
    tenantTables = new Set(rows.map((r) => r.table_name));
  });
  afterAll(async () => api?.close());

  it('for every root query and the usual writes', async () => {
    const schema = await buildThreadlineSchema();
    const queries = Object.values(schema.getQueryType()!.getFields())
      .map((field) => ({ name: field.name, query: queryOf(field) }))
      .filter((q): q is { name: string; query: string } => q.query !== null);
    const viewer = await api.login('viewer@northwind.example');
    const admin = await api.login('admin@northwind.example');
    for (const token of [viewer, admin]) {
      for (const { name, query } of queries) check(`query ${name}`, await api.recordStatements(() => api.gql(query, {}, token)));
    }
    const writes: [string, string][] = [
      ['createSite', 'mutation { createSite(input: { code: "TF-1", name: "Tenant filter" }) { id } }'],
      ['createUseCase', 'mutation { createUseCase(input: { name: "Tenant filter" }) { id } }'],
      ['createApiKey', 'mutation { createApiKey(input: { name: "tenant filter", scopes: ["telemetry:write"] }) { token } }'],
      ['recomputeBusinessValue', 'mutation { recomputeBusinessValue { snapshots } }'],
    ];
    for (const [name, mutation] of writes) {
      check(`mutation ${name}`, await api.recordStatements(async () => expect((await api.gql(mutation, {}, admin)).errors, name).toBeUndefined()));
    }
    expect(queries.length).toBeGreaterThan(40);
    expect(checked).toBeGreaterThan(200);
    expect(offenders).toEqual([]);
  }, 180_000);
});
