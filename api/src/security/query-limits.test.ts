// Operations beyond the API's limits are refused before they run, each with its code and the limit
// named: too deep, too many aliases, too many tokens, too costly, batched, cross-site without a
// preflight; outside development no introspection and no field suggestions. An ordinary page-sized
// operation passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { QUERY_LIMITS } from './query-limits.ts';

describe('query limits', () => {
  let api: ApiHarness;
  let token: string;

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('viewer@northwind.example');
  });
  afterAll(async () => api?.close());

  const refused = async (query: string) => {
    const res = await api.gql(query, {}, token);
    expect(res.data ?? null).toBeNull();
    return res.errors![0]!;
  };

  it('refuses an operation nested deeper than the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 6; i += 1) selection = `kpis { useCase { ${selection} } }`;
    const error = await refused(`{ useCases { nodes { ${selection} } } }`);
    expect(error.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toMatch(new RegExp(`depth.*${QUERY_LIMITS.depth}`, 'i'));
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, i) => `a${i}: viewer { id }`).join(' ');
    const error = await refused(`{ ${aliases} }`);
    expect(error.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toMatch(/aliases/i);
  });

  it('refuses a document with too many tokens', async () => {
    const fields = Array.from({ length: QUERY_LIMITS.tokens }, () => 'id').join(' ');
    const error = await refused(`{ viewer { ${fields} } }`);
    expect(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']).toContain(error.extensions!.code);
    expect(error.message).toMatch(/token/i);
  });

  it('refuses an operation whose cost is over the limit', async () => {
    // Page sizes count: five full pages of insights with their versions are ~73,000 against 60,000.
    const aliases = Array.from(
      { length: 5 },
      (_, i) => `i${i}: insights(first: 500) { nodes { id explanation { feature value } modelVersion { version model { name } } } }`,
    ).join(' ');
    const error = await refused(`{ ${aliases} }`);
    expect(error.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toMatch(/cost/i);
  });

  it('refuses batched HTTP requests', async () => {
    const res = await httpRequest(api, {
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('gives no introspection and no field suggestions outside development', async () => {
    const introspection = await refused('{ __schema { types { name } } }');
    expect(introspection.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typo = await refused('{ useCasez { nodes { id } } }');
    expect(typo.message).not.toMatch(/did you mean/i);
    expect(typo.message).not.toMatch(/useCases/);
  });

  it('refuses a request a browser could send cross-site without a preflight (CSRF prevention)', async () => {
    const simple = await httpRequest(api, {
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      payload: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(simple.status).toBe(400);
    const get = await httpRequest(api, {
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent('{ viewer { id } }')}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(get.status).toBe(400);
    const allowed = await httpRequest(api, {
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent('{ viewer { id } }')}`,
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(allowed.status).toBe(200);
  });

  it('lets an ordinary operation through', async () => {
    const res = await api.gql('{ viewer { id } useCases { nodes { name kpis { name measurements { value } } waves { gates { kpi { name } } } } } }', {}, token);
    expect(res.errors).toBeUndefined();
  });
});
