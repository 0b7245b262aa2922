// Tenant isolation under random attempts: an administrator of another organisation calls every
// lookup by id and every mutation that takes an id with ids of Northwind's rows, picked at random
// (fast-check). No attempt returns Northwind data or succeeds, each is refused with a code, and
// Northwind's rows (its audit trail and outbox included) are byte for byte the same afterwards.
import fc from 'fast-check';
import { getNamedType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { ORGANIZATION_TABLES, organizationDigest } from '../../../scripts/test/organization-digest.ts';
import { buildThreadlineSchema } from '../schema.ts';

const REFUSALS = ['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN', 'CONFLICT'];

interface Attempt {
  name: string;
  query: string;
}

/** Every Query field taking exactly `id: ID!`, and every Mutation whose required arguments are `id` and, optionally, an input with no required field. */
function attemptsOf(query: GraphQLObjectType, mutation: GraphQLObjectType): Attempt[] {
  const selection = (field: GraphQLField<unknown, unknown>) => (isObjectType(getNamedType(field.type)) ? '{ __typename }' : '');
  const lookups = Object.values(query.getFields())
    .filter((f) => f.args.length === 1 && f.args[0]!.name === 'id' && isNonNullType(f.args[0]!.type))
    .map((f) => ({ name: `Query.${f.name}`, query: `query($id: ID!) { ${f.name}(id: $id) ${selection(f)} }` }));
  const mutations = Object.values(mutation.getFields()).flatMap((f) => {
    const required = f.args.filter((a) => isNonNullType(a.type));
    if (!required.some((a) => a.name === 'id')) return [];
    const input = required.find((a) => a.name === 'input');
    if (required.length > (input ? 2 : 1)) return [];
    if (input) {
      const inputType = getNamedType(input.type) as unknown as { getFields(): Record<string, { type: unknown }> };
      if (Object.values(inputType.getFields()).some((x) => isNonNullType(x.type as never))) return [];
    }
    return [{ name: `Mutation.${f.name}`, query: `mutation($id: ID!) { ${f.name}(id: $id${input ? ', input: {}' : ''}) ${selection(f)} }` }];
  });
  return [...lookups, ...mutations];
}

describe('tenant isolation under random cross-tenant attempts', () => {
  let api: ApiHarness;
  let other: { organizationId: string; token: string };
  let northwind: string;
  let targets: string[];
  let attempts: Attempt[];

  const digest = () => organizationDigest(api.services.db.pool, northwind);

  beforeAll(async () => {
    api = await startApi();
    other = await createOtherOrganization(api, 'isolation-other');
    northwind = (await api.services.db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id;
    targets = [];
    for (const table of ORGANIZATION_TABLES.filter((t) => t !== 'outbox')) {
      // outbox ids are not UUIDs
      const { rows } = await api.services.db.pool.query<{ id: string }>(`SELECT id FROM ${table} WHERE organization_id = $1 ORDER BY id LIMIT 5`, [northwind]);
      targets.push(...rows.map((r) => r.id));
    }
    const schema = await buildThreadlineSchema();
    attempts = attemptsOf(schema.getQueryType()!, schema.getMutationType()!);
  });
  afterAll(async () => api?.close());

  it('refuses every attempt with a code and changes nothing of Northwind', async () => {
    expect(attempts.length).toBeGreaterThan(60);
    expect(targets.length).toBeGreaterThan(80);
    const before = await digest();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...attempts), fc.constantFrom(...targets), async (attempt, id) => {
        const res = await api.gql(attempt.query, { id }, other.token);
        const field = attempt.query.match(/\{ (\w+)\(/)![1]!;
        expect(res.data?.[field] ?? null, `${attempt.name}(${id}) returned data`).toBeNull();
        expect(REFUSALS, `${attempt.name}(${id}): ${res.errors?.[0]?.message}`).toContain(res.errors?.[0]?.extensions?.code);
      }),
      { numRuns: 400, seed: 20261123 },
    );
    expect(await digest()).toEqual(before);
  });
});
