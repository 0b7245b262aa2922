// PostgreSQL crashes (`pg_ctl stop -m immediate`, on a cluster of the test's own) under a running
// API: callers are told to retry (HTTP 503, SERVICE_UNAVAILABLE, Retry-After) instead of getting an
// internal error, everything acknowledged before the crash is still there after recovery, and the
// API serves again by itself, with a resend storing nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { PrivatePostgres } from '../../../scripts/test/private-postgres.ts';
import { createSeededDatabase } from '../../../scripts/test/seeded-database.ts';

describe('the database crashes under the API', () => {
  let cluster: PrivatePostgres;
  let api: ApiHarness;
  let key: string;
  let signalIds: string[];

  beforeAll(async () => {
    cluster = await PrivatePostgres.start();
    const database = await createSeededDatabase(cluster.url());
    api = await startApi({}, { name: new URL(database.url).pathname.slice(1), url: database.url });
    const admin = await api.login('admin@northwind.example');
    key = (
      await api.gql<{ createApiKey: { token: string } }>(
        'mutation { createApiKey(input: { name: "outage", scopes: ["telemetry:write", "read"] }) { token } }',
        {},
        admin,
      )
    ).data!.createApiKey.token;
    signalIds = (await api.services.db.pool.query<{ id: string }>("SELECT id FROM signals WHERE data_type = 'NUMBER' ORDER BY id LIMIT 10")).rows.map(
      (r) => r.id,
    );
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await cluster?.stop();
  });

  const batch = (start: number) =>
    JSON.stringify(
      signalIds.flatMap((signalId, s) =>
        Array.from({ length: 20 }, (_, i) => ({
          signalId,
          time: new Date(start + i * 1_000).toISOString(),
          value: s * 100 + i,
        })),
      ),
    );
  const ingest = (body: string) =>
    httpRequest(api, {
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: body,
    });
  const storedBetween = async (from: number, to: number) =>
    Number(
      (
        await api.services.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM telemetry WHERE signal_id = ANY($1::uuid[]) AND time >= $2 AND time < $3', [
          signalIds,
          new Date(from),
          new Date(to),
        ])
      ).rows[0]!.n,
    );

  it('answers 503 with Retry-After while PostgreSQL is down and keeps what it acknowledged before', async () => {
    const start = Date.UTC(2026, 10, 20, 8);
    const acknowledged = await ingest(batch(start));
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.json()).toMatchObject({ accepted: 200, duplicates: 0 });

    await cluster.crash();
    const during = await api.app.inject({
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: batch(start + 60_000),
    });
    expect(during.statusCode).toBe(503);
    expect(during.headers['retry-after']).toBe('2');
    expect(during.json().error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryAfterSeconds: 2 } });
    expect(during.json().error.message).toMatch(/retry in a few seconds/);

    const query = await api.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify({ query: '{ sites { totalCount } }' }),
    });
    expect(query.statusCode).toBe(503);
    expect(query.headers['retry-after']).toBe('2');
    expect(query.json().errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((await httpRequest(api, { method: 'GET', url: '/health' })).status).toBe(503);

    await cluster.restart();
    expect(await storedBetween(start, start + 60_000)).toBe(200);
    const resent = await ingest(batch(start + 60_000));
    expect(resent.status).toBe(200);
    expect(resent.json()).toMatchObject({ accepted: 200, duplicates: 0 });
    const again = await ingest(batch(start + 60_000));
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 200 });
    expect(await storedBetween(start, start + 120_000)).toBe(400);
  }, 120_000);

  it('reports a query that the outage interrupts as SERVICE_UNAVAILABLE, not as an internal error', async () => {
    const token = await api.login('viewer@northwind.example');
    await cluster.crash();
    try {
      const res = await api.gql('{ sites { nodes { id name } } }', {}, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.errors?.[0]?.message).toBe('The database cannot be reached right now; retry in a few seconds.');
    } finally {
      await cluster.restart();
    }
    expect((await api.gql('{ sites { totalCount } }', {}, token)).errors).toBeUndefined();
  }, 120_000);
});
