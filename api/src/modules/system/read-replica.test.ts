// Reads on a streaming replica (a primary and a pg_basebackup replica of the test's own): queries
// read from the replica while it keeps up, so with its replay paused a new site is not there yet for
// a reader, while the person who made it reads it at once (their reads stay on the primary after a
// write); once the replica is further behind than the bound, or down, every read goes to the
// primary and the lag is shown; when it catches up or comes back, reads return to it.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivatePostgres } from '../../../../scripts/test/private-postgres.ts';
import { createSeededDatabase } from '../../../../scripts/test/seeded-database.ts';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { waitFor } from '../../../../scripts/test/wait-for.ts';

describe('reads on a streaming replica', () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let databaseUrl: string;
  let replicaUrl: string;
  let control: pg.Client;
  const apis: ApiHarness[] = [];

  const start = async (maxLagMs: number) => {
    const api = await startApi(
      { DATABASE_READ_URL: replicaUrl, DATABASE_READ_MAX_LAG_MS: String(maxLagMs) },
      { name: new URL(databaseUrl).pathname.slice(1), url: databaseUrl },
    );
    apis.push(api);
    return { api, admin: await api.login('admin@northwind.example'), viewer: await api.login('viewer@northwind.example') };
  };
  const sites = async (api: ApiHarness, token: string) =>
    ((await api.gql('{ sites(first: 100) { nodes { code } } }', {}, token)).data!.sites.nodes as { code: string }[]).map((s) => s.code);
  const status = async (api: ApiHarness, token: string) =>
    (await api.gql('{ readReplica { servingReads lagMs lagBytes reason } }', {}, token)).data!.readReplica;
  const createSite = async (api: ApiHarness, token: string, code: string) =>
    expect((await api.gql('mutation($i: SiteInput!) { createSite(input: $i) { id } }', { i: { code, name: code } }, token)).errors).toBeUndefined();

  beforeAll(async () => {
    primary = await PrivatePostgres.start();
    databaseUrl = (await createSeededDatabase(primary.url())).url;
    replica = await PrivatePostgres.replicaOf(primary);
    replicaUrl = databaseUrl.replace(`:${primary.port}/`, `:${replica.port}/`);
    control = new pg.Client({ connectionString: replicaUrl });
    await control.connect();
  }, 180_000);
  afterAll(async () => {
    for (const api of apis) await api.close();
    await control?.end().catch(() => undefined);
    await replica?.stop();
    await primary?.stop();
  });

  it('reads from the replica while it keeps up; the writer reads their write at once', async () => {
    const { api, admin, viewer } = await start(600_000);
    await waitFor('reads to go to the replica', async () => (await status(api, viewer)).servingReads === true, { timeoutMs: 30_000 });
    await control.query('SELECT pg_wal_replay_pause()');
    try {
      await createSite(api, admin, 'RR-1');
      expect(await sites(api, admin)).toContain('RR-1');
      expect(await sites(api, viewer)).not.toContain('RR-1');
      await waitFor('the lag to show', async () => ((await status(api, viewer)).lagBytes ?? 0) > 0, { timeoutMs: 30_000 });
      expect(await status(api, viewer)).toMatchObject({ servingReads: true, reason: null });
    } finally {
      await control.query('SELECT pg_wal_replay_resume()');
    }
    await waitFor('the replica to catch up', async () => (await sites(api, viewer)).includes('RR-1'), { timeoutMs: 30_000 });
  });

  it('reads from the primary while the replica lags past the bound, and from the replica again once it caught up', async () => {
    const { api, admin, viewer } = await start(1_000);
    await waitFor('reads to go to the replica', async () => (await status(api, viewer)).servingReads === true, { timeoutMs: 30_000 });
    await control.query('SELECT pg_wal_replay_pause()');
    try {
      await createSite(api, admin, 'RR-2');
      await waitFor('reads to leave the replica', async () => (await status(api, viewer)).servingReads === false, { timeoutMs: 30_000 });
      expect((await status(api, viewer)).reason).toMatch(/ms behind \(bound 1000 ms\)/);
      expect(await sites(api, viewer)).toContain('RR-2');
    } finally {
      await control.query('SELECT pg_wal_replay_resume()');
    }
    await waitFor('reads to return to the replica', async () => (await status(api, viewer)).servingReads === true, { timeoutMs: 30_000 });
    expect(await status(api, viewer)).toMatchObject({ lagMs: 0, lagBytes: 0 });
  });

  it('reads from the primary while the replica is down, and from the replica once it is back', async () => {
    const { api, admin, viewer } = await start(5_000);
    await control.end();
    await replica.halt();
    await waitFor('reads to leave the replica', async () => (await status(api, viewer)).servingReads === false, { timeoutMs: 30_000 });
    expect((await status(api, viewer)).reason).toMatch(/cannot be checked/);
    await createSite(api, admin, 'RR-3');
    expect(await sites(api, viewer)).toContain('RR-3');
    await replica.restart();
    await waitFor('reads to return to the replica', async () => (await status(api, viewer)).servingReads === true, { timeoutMs: 60_000 });
    expect(await sites(api, viewer)).toContain('RR-3');
  });
});
