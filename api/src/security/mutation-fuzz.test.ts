// Every mutation under hostile input (fast-check): arguments drawn from each mutation's own
// argument types, with malformed, oversized and boundary values mixed in (ids of real rows, random
// UUIDs and garbage; strings empty, huge, binary, SQL and formulas; integers and floats at their
// limits; impossible dates; arbitrary JSON; enum values that do not exist), sent by an
// administrator. No call is answered with a 5xx or INTERNAL_SERVER_ERROR, every refusal carries a
// code, and a refused call leaves no trace: the organisation's rows, audit trail and outbox are
// exactly as before it (no partial write).
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { ORGANIZATION_TABLES, organizationDigest } from '../../../scripts/test/organization-digest.ts';
import { buildThreadlineSchema } from '../schema.ts';

interface Call {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

const hostileStrings = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    'x'.repeat(20_000),
    "'; DROP TABLE sites; --",
    "=cmd|' /C calc'!A0",
    'a\u0000b',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏭',
    '<script>alert(1)</script>',
    'null',
    '-1',
  ),
);
const hostileDates = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }).map((d) => d.toISOString()),
  fc.constantFrom('2026-02-30T00:00:00Z', '2026-11-23', 'yesterday', '', '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z'),
  fc.string({ maxLength: 30 }),
);

/** Values for `type`: valid ones of each kind most of the time, hostile ones mixed in. */
function valuesOf(type: GraphQLInputType, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valuesOf(type.ofType, ids, depth);
  if (isListType(type)) return fc.array(valuesOf(type.ofType, ids, depth + 1), { maxLength: depth > 1 ? 1 : 4 });
  if (isEnumType(type))
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(
      Object.fromEntries(
        fields.map((f) => [f.name, isNonNullType(f.type) ? valuesOf(f.type, ids, depth + 1) : fc.option(valuesOf(f.type, ids, depth + 1), { nil: null })]),
      ),
      { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) },
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...ids) },
          { weight: 1, arbitrary: fc.uuid() },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
        );
      case 'String':
        return hostileStrings;
      case 'Int':
        return fc.oneof(fc.integer({ min: -1_000, max: 1_000 }), fc.constantFrom(0, -1, 2_147_483_647, -2_147_483_648), fc.integer());
      case 'Float':
        return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 0.5, 1, 100));
      case 'Boolean':
        return fc.boolean();
      case 'DateTime':
        return hostileDates;
      default:
        return fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }));
    }
  }
  throw new Error(`no values for ${String(type)}`);
}

function callsOf(name: string, args: readonly GraphQLArgument[], returnsObject: boolean, ids: string[]): fc.Arbitrary<Call> {
  const declarations = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const passing = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const query = `mutation${declarations ? `(${declarations})` : ''} { ${name}${passing ? `(${passing})` : ''}${returnsObject ? ' { __typename }' : ''} }`;
  const variables = fc.record(
    Object.fromEntries(args.map((a) => [a.name, isNonNullType(a.type) ? valuesOf(a.type, ids) : fc.option(valuesOf(a.type, ids), { nil: null })])),
  );
  return variables.map((v) => ({ name, query, variables: v }));
}

describe('every mutation under hostile input', () => {
  let api: ApiHarness;
  let admin: string;
  let northwind: string;
  let calls: fc.Arbitrary<Call>;
  let mutationNames: string[];

  beforeAll(async () => {
    api = await startApi();
    admin = await api.login('admin@northwind.example');
    const pool = api.services.db.pool;
    northwind = (await pool.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0]!.id;
    // Ids of real rows of every kind, but not the acting administrator's own (demoting them would end the run).
    const ids: string[] = [];
    for (const table of ORGANIZATION_TABLES.filter((t) => t !== 'outbox')) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM ${table} WHERE organization_id = $1 AND id::text NOT IN (SELECT id::text FROM users WHERE email = 'admin@northwind.example') ORDER BY id LIMIT 4`,
        [northwind],
      );
      ids.push(...rows.map((r) => r.id));
    }
    const mutation = (await buildThreadlineSchema()).getMutationType()!;
    const fields = Object.values(mutation.getFields());
    mutationNames = fields.map((f) => f.name);
    calls = fc.oneof(...fields.map((f) => callsOf(f.name, f.args, isObjectType(getNamedType(f.type)), ids)));
  });
  afterAll(async () => api?.close());

  it('answers every call with data or a coded refusal, and a refusal writes nothing', async () => {
    expect(mutationNames.length).toBeGreaterThan(60);
    const refused = new Map<string, number>();
    const succeeded = new Set<string>();
    await fc.assert(
      fc.asyncProperty(calls, async (call) => {
        const before = await organizationDigest(api.services.db.pool, northwind);
        const res = await api.app.inject({
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
          payload: JSON.stringify({ query: call.query, variables: call.variables }),
        });
        const label = `${call.name}(${JSON.stringify(call.variables).slice(0, 300)}) → ${res.body.slice(0, 300)}`;
        expect(res.statusCode, label).toBeLessThan(500);
        const body = res.json() as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
        if (body.errors?.length) {
          for (const error of body.errors)
            expect(error.extensions?.code, label).toMatch(/^(BAD_USER_INPUT|NOT_FOUND|FORBIDDEN|CONFLICT|UNAUTHENTICATED|GRAPHQL_VALIDATION_FAILED)$/);
          expect(await organizationDigest(api.services.db.pool, northwind), `${label} wrote something`).toEqual(before);
          refused.set(call.name, (refused.get(call.name) ?? 0) + 1);
        } else {
          expect(body.data?.[call.name], label).toBeDefined();
          succeeded.add(call.name);
          // Signing out ends the administrator's session: sign in again for the next call.
          if (call.name === 'logout') admin = await api.login('admin@northwind.example');
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 600), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
    // The draw reached nearly every mutation, and not only with input each one refuses.
    expect(new Set([...refused.keys(), ...succeeded]).size).toBeGreaterThan(mutationNames.length * 0.9);
    expect(succeeded.size).toBeGreaterThan(5);
  }, 240_000);
});
