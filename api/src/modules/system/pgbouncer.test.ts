// The API through PgBouncer in transaction mode (one server connection, so any state a session
// left behind would show): it connects as the application role itself (DATABASE_APP_ROLE empty, no
// SET ROLE), signs in, writes in audited transactions, reads raw telemetry through the read gate
// (its statement timeout is SET LOCAL), takes HTTP bulk ingest, and leaves no setting behind.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivatePostgres } from '../../../../scripts/test/private-postgres.ts';
import { PrivatePgBouncer } from '../../../../scripts/test/private-pgbouncer.ts';
import { createSeededDatabase } from '../../../../scripts/test/seeded-database.ts';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

describe('the API through PgBouncer in transaction mode', () => {
  let server: PrivatePostgres;
  let bouncer: PrivatePgBouncer;
  let api: ApiHarness;
  let database: string;

  beforeAll(async () => {
    server = await PrivatePostgres.start();
    const url = (await createSeededDatabase(server.url())).url;
    database = new URL(url).pathname.slice(1);
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    await owner.query('ALTER ROLE threadline_app LOGIN');
    await owner.end();
    bouncer = await PrivatePgBouncer.start(server, ['threadline_app', 'postgres'], 1);
    api = await startApi(
      { DATABASE_APP_ROLE: '', DATABASE_POOL_SIZE: '4', READ_POOL_SIZE: '2' },
      { name: database, url: bouncer.url(database, 'threadline_app') },
    );
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await bouncer?.stop();
    await server?.stop();
  });

  it('signs in, writes, reads through the read gate and ingests, leaving no session state behind', async () => {
    const admin = await api.login('admin@northwind.example');
    const site = await api.gql('mutation { createSite(input: { code: "PGB", name: "Pooled" }) { id code } }', {}, admin);
    expect(site.errors).toBeUndefined();
    const key = (await api.gql('mutation { createApiKey(input: { name: "pooled", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey
      .token;
    const signal = (await api.services.db.pool.query<{ id: string }>("SELECT id FROM signals WHERE data_type = 'NUMBER' ORDER BY id LIMIT 1")).rows[0]!.id;
    const from = Date.now() - 60_000;
    const points = Array.from({ length: 50 }, (_, i) => ({ signalId: signal, time: new Date(from + i * 1000).toISOString(), value: i }));
    const ingest = await api.app.inject({
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify({ points }),
    });
    expect(ingest.json()).toMatchObject({ accepted: 50, duplicates: 0, rejected: [] });
    const read = await api.gql(
      'query($r: TelemetryRange!) { telemetry(range: $r) { value } }',
      { r: { signalId: signal, from: new Date(from).toISOString(), to: new Date(from + 60_000).toISOString() } },
      admin,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.telemetry).toHaveLength(50);
    // The one server connection behind the pooler: a read gate's timeout or a role would show here.
    const client = new pg.Client({ connectionString: bouncer.url(database, 'threadline_app') });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT current_setting('statement_timeout') AS timeout, current_user AS role");
      expect(rows[0]).toEqual({ timeout: '0', role: 'threadline_app' });
    } finally {
      await client.end();
    }
  });
});
