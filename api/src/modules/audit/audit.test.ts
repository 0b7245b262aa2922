// The audit trail as a user and an auditor see it: one chained event per mutation in the same
// transaction, append-only for the application, tampering and truncation named by verifyAuditChain.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointAuditChain } from '@threadline/db/audit/audit-log';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { AUDIT_CATALOGUE_VERSION } from '@threadline/db/audit/catalogue';

const VERIFY = '{ verifyAuditChain { ok eventsChecked headSeq checkpointsChecked firstBroken { seq eventId reason detail } } }';

/** A started API on its own database, an admin token and an owner (superuser) connection. */
function auditFixture() {
  const f = {} as { api: ApiHarness; admin: string; owner: pg.Client; orgId: string };
  beforeAll(async () => {
    f.api = await startApi();
    f.admin = await f.api.login('admin@northwind.example');
    f.owner = new pg.Client({ connectionString: f.api.database.url });
    await f.owner.connect();
    f.orgId = (await f.owner.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
  });
  afterAll(async () => {
    await f.owner?.end();
    await f.api?.close();
  });
  return f;
}

/** Runs SQL as the owner with triggers off, as an attacker with superuser rights could. */
async function asSuperuserWithoutTriggers(owner: pg.Client, sql: string, params: unknown[]): Promise<void> {
  await owner.query('BEGIN');
  await owner.query('SET LOCAL session_replication_role = replica');
  await owner.query(sql, params);
  await owner.query('COMMIT');
}

describe('audit trail', () => {
  const f = auditFixture();
  const auditCount = async () => Number((await f.owner.query('SELECT count(*) FROM audit_events WHERE organization_id = $1', [f.orgId])).rows[0].count);
  const lastEvent = async () => (await f.owner.query('SELECT * FROM audit_events WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1', [f.orgId])).rows[0];

  it('appends exactly one chained event per mutation, naming actor, type and subject', async () => {
    const siteId = (await f.owner.query("SELECT id FROM sites WHERE code = 'LEJ'")).rows[0].id;
    const mutations: [string, string, Record<string, unknown>][] = [
      ['site.created', 'mutation($i: SiteInput!) { createSite(input: $i) { id } }', { i: { code: 'AUD', name: 'Audit site' } }],
      ['line.created', 'mutation($i: LineInput!) { createLine(input: $i) { id } }', { i: { siteId, code: 'AUD-L1', name: 'Audit line' } }],
      ['site.updated', `mutation($id: ID!) { updateSite(id: $id, input: { name: "Leipzig plant" }) { id } }`, { id: siteId }],
      ['use_case.created', 'mutation($i: UseCaseInput!) { createUseCase(input: $i) { id } }', { i: { name: 'Audit use case' } }],
      ['api_key.created', 'mutation { createApiKey(input: { name: "gw", scopes: ["read"] }) { token } }', {}],
    ];
    for (const [type, query, variables] of mutations) {
      const before = await auditCount();
      const res = await f.api.gql(query, variables, f.admin);
      expect(res.errors).toBeUndefined();
      expect(await auditCount()).toBe(before + 1);
      const event = await lastEvent();
      expect(event.type).toBe(type);
      expect(event.actor_kind).toBe('USER');
      expect(event.actor_label).toBe('admin@northwind.example');
    }
    const updated = await lastEvent();
    expect(updated.payload).toMatchObject({ v: AUDIT_CATALOGUE_VERSION });
    const siteUpdate = (
      await f.owner.query("SELECT payload FROM audit_events WHERE organization_id = $1 AND type = 'site.updated' ORDER BY seq DESC LIMIT 1", [f.orgId])
    ).rows[0];
    expect(siteUpdate.payload.changes).toEqual({ name: ['Leipzig machining plant', 'Leipzig plant'] });
    const verified = await f.api.gql(VERIFY, {}, f.admin);
    expect(verified.data!.verifyAuditChain).toMatchObject({ ok: true, firstBroken: null });
  });

  it('never stores the secret of an API key or a password in the trail', async () => {
    const res = await f.api.gql(
      'mutation { createUser(input: { email: "new@northwind.example", name: "New", role: VIEWER, password: "a long enough password" }) { id } }',
      {},
      f.admin,
    );
    expect(res.errors).toBeUndefined();
    const { rows } = await f.owner.query("SELECT payload::text AS p FROM audit_events WHERE type IN ('user.created', 'api_key.created')");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.p).not.toMatch(/passwordHash|secretHash|scrypt\$/);
  });

  it('is append-only: the application role may not update, delete or truncate it, and triggers stop the f.owner too', async () => {
    await expect(f.api.services.db.pool.query('UPDATE audit_events SET actor_label = $1', ['x'])).rejects.toThrow(/permission denied/);
    await expect(f.api.services.db.pool.query('DELETE FROM audit_events')).rejects.toThrow(/permission denied/);
    await expect(f.api.services.db.pool.query('TRUNCATE audit_events')).rejects.toThrow(/permission denied/);
    await expect(f.owner.query('UPDATE audit_events SET actor_label = $1', ['x'])).rejects.toThrow(/append-only/);
    await expect(f.owner.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(f.owner.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
  });

  it('refuses an event that does not extend the chain', async () => {
    const head = await lastEvent();
    await expect(
      f.api.services.db.pool.query(
        `INSERT INTO audit_events (organization_id, seq, type, actor_kind, actor_label, subject_type, occurred_at, prev_hash, hash)
       VALUES ($1, $2, 'site.created', 'SYSTEM', 'forger', 'site', now(), $3, $3)`,
        [f.orgId, Number(head.seq) + 1, '0'.repeat(64)],
      ),
    ).rejects.toThrow(/does not extend the chain/);
  });

  it('names the row a superuser changed by SQL', async () => {
    const victim = (
      await f.owner.query("SELECT id, seq FROM audit_events WHERE organization_id = $1 AND type = 'site.created' ORDER BY seq LIMIT 1", [f.orgId])
    ).rows[0];
    await asSuperuserWithoutTriggers(f.owner, `UPDATE audit_events SET payload = jsonb_set(payload, '{after,name}', '"Forged"') WHERE id = $1`, [victim.id]);
    const res = await f.api.gql(VERIFY, {}, f.admin);
    expect(res.data!.verifyAuditChain).toMatchObject({
      ok: false,
      firstBroken: { seq: Number(victim.seq), eventId: victim.id, reason: 'HASH_MISMATCH' },
    });
  });
});

describe('audit checkpoints', () => {
  const f = auditFixture();

  it('reports deleted newest events against the last signed checkpoint', async () => {
    for (const code of ['C1', 'C2', 'C3']) {
      expect((await f.api.gql(`mutation { createSite(input: { code: "${code}", name: "Site ${code}" }) { id } }`, {}, f.admin)).errors).toBeUndefined();
    }
    const checkpoint = await checkpointAuditChain(f.api.services.db.pool, f.orgId, f.api.services.auditKeys.signing);
    expect(checkpoint).not.toBeNull();
    expect((await f.api.gql(VERIFY, {}, f.admin)).data!.verifyAuditChain).toMatchObject({ ok: true, checkpointsChecked: 1 });
    const listed = await f.api.gql('{ auditCheckpoints { nodes { seq hash keyId } } }', {}, f.admin);
    expect(listed.data!.auditCheckpoints.nodes).toEqual([
      { seq: Number(checkpoint!.seq), hash: checkpoint!.hash, keyId: f.api.services.auditKeys.signing.keyId },
    ]);

    await asSuperuserWithoutTriggers(f.owner, 'DELETE FROM audit_events WHERE organization_id = $1 AND seq > $2', [f.orgId, Number(checkpoint!.seq) - 2]);

    const res = await f.api.gql(VERIFY, {}, f.admin);
    expect(res.data!.verifyAuditChain).toMatchObject({
      ok: false,
      headSeq: Number(checkpoint!.seq) - 2,
      firstBroken: { reason: 'TRUNCATED', seq: Number(checkpoint!.seq) - 1 },
    });
    expect(res.data!.verifyAuditChain.firstBroken.detail).toContain(`signed event ${checkpoint!.seq}`);
  });

  it('refuses a checkpoint whose signature does not verify', async () => {
    await asSuperuserWithoutTriggers(f.owner, "UPDATE audit_checkpoints SET signature = 'AAAA' WHERE organization_id = $1", [f.orgId]);
    const res = await f.api.gql(VERIFY, {}, f.admin);
    expect(res.data!.verifyAuditChain.firstBroken.reason).toBe('CHECKPOINT_SIGNATURE_INVALID');
  });
});
