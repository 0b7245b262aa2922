// Each API key has its own request budget (here 3 at once, 1 more per second): beyond it the key
// gets RATE_LIMITED with HTTP 429 and Retry-After, on GraphQL and on the REST routes alike, while
// another key and signed-in people go on; the key is served again once its bucket refills.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { redisUrl } from '../../../scripts/test/queues.ts';

describe('rate limits per API key', () => {
  let api: ApiHarness;
  let admin: string;
  const keys: string[] = [];

  const createKey = async (name: string) => {
    const res = await api.gql('mutation($i: ApiKeyInput!) { createApiKey(input: $i) { token } }', { i: { name, scopes: ['read', 'telemetry:write'] } }, admin);
    expect(res.errors).toBeUndefined();
    return res.data!.createApiKey.token as string;
  };
  const graphql = (key: string) =>
    httpRequest(api, {
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      payload: JSON.stringify({ query: '{ viewer { kind } }' }),
    });

  beforeAll(async () => {
    api = await startApi({ API_KEY_RATE_PER_SECOND: '1', API_KEY_BURST: '3' });
    admin = await api.login('admin@northwind.example');
    keys.push(await createKey('gateway a'), await createKey('gateway b'));
  });
  afterAll(async () => api?.close());

  it('refuses a key beyond its budget with 429 and Retry-After, and serves it again after a refill', async () => {
    const [a, b] = keys as [string, string];
    for (let i = 0; i < 3; i += 1) expect((await graphql(a)).status).toBe(200);
    const limited = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'x-api-key': a },
      payload: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json().errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } });

    const rest = await api.app.inject({
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'content-type': 'application/json', 'x-api-key': a },
      payload: JSON.stringify({ points: [] }),
    });
    expect(rest.statusCode).toBe(429);
    expect(rest.headers['retry-after']).toBe('1');
    expect(rest.json().error.code).toBe('RATE_LIMITED');

    // Another key and a signed-in person are not held back by this key's budget.
    expect((await graphql(b)).status).toBe(200);
    expect((await api.gql('{ viewer { kind } }', {}, admin)).errors).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await graphql(a)).status).toBe(200);
  });

  it("shares a key's budget between replicas through RATE_LIMIT_REDIS_URL, and limits per replica when that Redis is gone", async () => {
    // One token per 1,000 s: nothing refills while a busy machine answers the calls.
    const shared = { API_KEY_RATE_PER_SECOND: '0.001', API_KEY_BURST: '3', RATE_LIMIT_REDIS_URL: redisUrl() };
    const one = await startApi(shared, api.database);
    const two = await startApi(shared, api.database);
    const lost = await startApi({ ...shared, RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:1' }, api.database);
    try {
      const key = await createKey('gateway behind two replicas');
      const call = (replica: ApiHarness) =>
        replica.app.inject({
          method: 'POST',
          url: '/graphql',
          headers: { 'content-type': 'application/json', 'x-api-key': key },
          payload: JSON.stringify({ query: '{ viewer { kind } }' }),
        });
      // Three in all, wherever they land; the fourth is refused by either replica.
      expect([(await call(one)).statusCode, (await call(two)).statusCode, (await call(one)).statusCode]).toEqual([200, 200, 200]);
      expect((await call(two)).statusCode).toBe(429);
      expect((await call(one)).statusCode).toBe(429);
      // A replica whose Redis does not answer still serves, with a budget of its own.
      const own = await Promise.all([call(lost), call(lost), call(lost)]);
      expect(own.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect((await call(lost)).statusCode).toBe(429);
    } finally {
      await Promise.all([one.close(), two.close(), lost.close()]);
    }
  });
});
