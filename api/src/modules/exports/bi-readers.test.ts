// Read-only SQL for Grafana and BI tools (issue 24, item 4): an administrator makes a reader; a
// Grafana-style time-series query through its login sees only its organisation's rows in the bi
// views, and the reader can read nothing else, write nothing and make no readers; a dropped reader
// cannot log in; people without access:admin cannot make one.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const CREATE = 'mutation($n: String!) { createBiReader(name: $n) { reader { roleName name } connection { host port database user password } } }';
const INGEST = 'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted } }';

interface Connection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

describe('bi readers', () => {
  let api: ApiHarness;
  let admin: string;
  const clients: pg.Client[] = [];
  const made: { token: string; roleName: string }[] = [];
  const hour = Math.floor((Date.now() - 4 * 3_600_000) / 3_600_000) * 3_600_000;

  beforeAll(async () => {
    api = await startApi();
    admin = await api.login('admin@northwind.example');
  });
  afterAll(async () => {
    for (const client of clients) await client.end().catch(() => undefined);
    for (const reader of made) await api.gql('mutation($r: String!) { dropBiReader(roleName: $r) }', { r: reader.roleName }, reader.token);
    await api?.close();
  });

  const makeReader = async (token: string, name: string): Promise<Connection> => {
    const res = await api.gql(CREATE, { n: name }, token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    const connection = res.data!.createBiReader.connection as Connection;
    made.push({ token, roleName: connection.user });
    return connection;
  };
  const connect = async (c: Connection) => {
    const client = new pg.Client({ host: c.host, port: c.port, database: c.database, user: c.user, password: c.password });
    await client.connect();
    clients.push(client);
    return client;
  };

  it("answers a Grafana time-series query with its organisation's rollups, and sees no other organisation", async () => {
    const signal = await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'power', asset: { code: 'LEJ-L1-CMP01' } } });
    const points = [0, 600_000, 1_800_000, 3_700_000].map((ms, i) => ({ signalId: signal.id, time: new Date(hour + ms).toISOString(), value: 10 + i }));
    expect((await api.gql(INGEST, { p: points }, admin)).data!.ingestTelemetry.accepted).toBe(4);
    await api.services.telemetry.refreshRollups();

    const grafana = await connect(await makeReader(admin, 'Grafana'));
    // What Grafana's PostgreSQL data source sends for a time series ($__timeFilter expanded).
    const series = await grafana.query(
      `SELECT bucket AS "time", asset AS metric, average AS value FROM bi.telemetry_1h
        WHERE bucket BETWEEN $1 AND $2 AND signal = 'power' AND asset = 'LEJ-L1-CMP01' ORDER BY 1`,
      [new Date(hour), new Date(hour + 2 * 3_600_000)],
    );
    expect(series.rows.map((r) => [r.time.getTime() - hour, r.metric, r.value])).toEqual([
      [0, 'LEJ-L1-CMP01', 11],
      [3_600_000, 'LEJ-L1-CMP01', 13],
    ]);
    const assets = await grafana.query('SELECT count(*)::int AS n FROM bi.assets');
    expect(assets.rows[0].n).toBe(await api.services.db.prisma.asset.count({ where: { organization: { slug: 'northwind' } } }));

    const other = await createOtherOrganization(api, 'bi-elsewhere');
    const site = await api.gql('mutation { createSite(input: { code: "ELS", name: "Elsewhere", timezone: "UTC" }) { id } }', {}, other.token);
    expect(site.errors).toBeUndefined();
    const theirs = await connect(await makeReader(other.token, 'Grafana'));
    expect((await theirs.query('SELECT site FROM bi.sites')).rows).toEqual([{ site: 'ELS' }]);
    expect((await theirs.query('SELECT count(*)::int AS n FROM bi.telemetry_1h')).rows[0].n).toBe(0);
    expect((await grafana.query(`SELECT count(*)::int AS n FROM bi.sites WHERE site = 'ELS'`)).rows[0].n).toBe(0);
  });

  it('reads nothing but the bi views, writes nothing and makes no readers', async () => {
    const reader = await connect(await makeReader(admin, 'Power BI'));
    const refused = async (sql: string) =>
      (await reader.query(sql).then(
        () => null,
        (error: { code?: string }) => error.code,
      )) ?? 'allowed';
    expect(await refused('SELECT * FROM public.assets LIMIT 1')).toBe('42501');
    expect(await refused('SELECT * FROM public.bi_readers')).toBe('42501');
    expect(await refused('SELECT * FROM public.users')).toBe('42501');
    expect(await refused(`SELECT bi.create_reader(gen_random_uuid(), 'tl_bi_evil', 'evil', 'pw')`)).toBe('42501');
    // Writes meet both the missing privilege (42501) and the read-only session (25006).
    for (const write of ['DELETE FROM bi.sites', 'CREATE TABLE bi.mine (x int)', `UPDATE bi.sites SET name = 'x'`]) {
      expect([write, await refused(write)]).toEqual([write, expect.stringMatching(/^(42501|25006)$/)]);
    }
    expect((await reader.query('SHOW default_transaction_read_only')).rows[0].default_transaction_read_only).toBe('on');
  });

  it('stops a dropped reader at once, and lets only administrators make readers', async () => {
    const connection = await makeReader(admin, 'Temporary');
    const dropped = await api.gql('mutation($r: String!) { dropBiReader(roleName: $r) }', { r: connection.user }, admin);
    expect(dropped.data!.dropBiReader).toBe(true);
    made.splice(
      made.findIndex((m) => m.roleName === connection.user),
      1,
    );
    const client = new pg.Client({ ...connection });
    await expect(client.connect()).rejects.toThrow(/does not exist|authentication/);
    const again = await api.gql('mutation($r: String!) { dropBiReader(roleName: $r) }', { r: connection.user }, admin);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const viewer = await api.login('viewer@northwind.example');
    expect((await api.gql(CREATE, { n: 'sneaky' }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const duplicate = await api.gql(CREATE, { n: 'Grafana' }, admin);
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const trail = await api.services.db.pool.query(`SELECT type FROM audit_events WHERE subject_type = 'bi_reader' AND subject_id = $1 ORDER BY seq`, [
      connection.user,
    ]);
    expect(trail.rows.map((r) => r.type)).toEqual(['bi_reader.created', 'bi_reader.deleted']);
  });
});
