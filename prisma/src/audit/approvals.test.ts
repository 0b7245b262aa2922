// One approval rule for wave advances and model promotions, on real PostgreSQL: two approvers
// deciding the same request at once give one decision, one audit event and one change, and the
// other a CONFLICT; the requester may not decide their own request (FORBIDDEN).
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cncFeatureSpec, registerHandMadeVersion } from '../../../scripts/test/hand-made-versions.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { createPool } from '../client.ts';
import { decidePromotion, requestPromotion } from '../models/promotion.ts';
import { Refusal } from '../refusal.ts';
import { inTransaction } from '../sql.ts';
import { decideWaveAdvance, requestWaveAdvance } from '../waves/advance.ts';
import { signingKeyFromPem } from './audit-keys.ts';
import type { AuditActor } from './audit-log.ts';

describe('deciding an approval', () => {
  let pool: pg.Pool;
  let org: string;
  const people: Record<string, string> = {};
  const person = (role: string): AuditActor => ({ kind: 'USER', id: people[role]!, label: role });
  const count = async (sql: string, ...values: unknown[]) => (await pool.query<{ n: number }>(sql, values)).rows[0]!.n;
  const eventsAbout = (approvalId: string, type: string) =>
    count('SELECT count(*)::int AS n FROM audit_events WHERE subject_id = $1 AND type = $2', approvalId, type);
  const refusalOf = (outcome: PromiseSettledResult<unknown>) =>
    outcome.status === 'rejected' && outcome.reason instanceof Refusal ? outcome.reason.code : outcome.status;

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 6 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    for (const role of ['DATA_SCIENTIST', 'APPROVER', 'ADMIN']) {
      people[role] = (await pool.query('SELECT id FROM users WHERE organization_id = $1 AND role = $2 LIMIT 1', [org, role])).rows[0].id;
    }
  });
  afterAll(async () => {
    await pool?.end();
  });

  it('promotes once when two approvers decide a promotion at once; the other is refused with CONFLICT', async () => {
    const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
    const modelId = (
      await pool.query("INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Concurrent promotion', 'FAILURE_RISK', $2) RETURNING id", [
        org,
        assetTypeId,
      ])
    ).rows[0].id;
    const versionId = await registerHandMadeVersion(pool, key, { organizationId: org, id: modelId, spec, scale }, 1, 0, 0.5);
    const { id: approvalId } = await inTransaction(pool, (db) =>
      requestPromotion(db, { organizationId: org, versionId, requestedById: people.DATA_SCIENTIST!, comment: 'better' }, person('DATA_SCIENTIST')),
    );

    const own = await inTransaction(pool, (db) =>
      decidePromotion(db, { organizationId: org, approvalId, deciderId: people.DATA_SCIENTIST!, approve: true, comment: null }, person('DATA_SCIENTIST')),
    ).catch((e: unknown) => e);
    expect(own).toMatchObject({ code: 'FORBIDDEN' });

    const decide = (role: string) =>
      inTransaction(pool, (db) =>
        decidePromotion(db, { organizationId: org, approvalId, deciderId: people[role]!, approve: true, comment: role }, person(role)),
      );
    const outcomes = await Promise.allSettled([decide('APPROVER'), decide('ADMIN')]);
    expect(outcomes.map(refusalOf).sort()).toEqual(['CONFLICT', 'fulfilled']);
    expect(await eventsAbout(approvalId, 'approval.updated')).toBe(1);
    expect(await count("SELECT count(*)::int AS n FROM audit_events WHERE type = 'model_alias.moved' AND subject_id = $1", modelId)).toBe(1);
    expect(
      (await pool.query("SELECT model_version_id FROM model_aliases WHERE model_id = $1 AND alias = 'champion'", [modelId])).rows[0].model_version_id,
    ).toBe(versionId);
  });

  it('decides a wave advance once when two approvers decide it at once; the other is refused with CONFLICT', async () => {
    const wave = (
      await pool.query(
        `SELECT w.id, k.id AS kpi_id FROM scaling_waves w JOIN kpis k ON k.use_case_id = w.use_case_id
        WHERE w.organization_id = $1 AND w.status = 'ACTIVE' AND w.phase = 'PILOT_AND_PROVE' LIMIT 1`,
        [org],
      )
    ).rows[0];
    await pool.query('INSERT INTO wave_gates (organization_id, wave_id, kpi_id, threshold, window_days) VALUES ($1, $2, $3, 0, 30) ON CONFLICT DO NOTHING', [
      org,
      wave.id,
      wave.kpi_id,
    ]);
    const {
      approval: { id: approvalId },
    } = await inTransaction(pool, (db) =>
      requestWaveAdvance(db, { organizationId: org, waveId: wave.id, requestedById: people.APPROVER!, rationale: 'ready' }, person('APPROVER')),
    );

    const own = await inTransaction(pool, (db) =>
      decideWaveAdvance(db, { organizationId: org, approvalId, approverId: people.APPROVER!, approve: false, comment: null }, person('APPROVER')),
    ).catch((e: unknown) => e);
    expect(own).toMatchObject({ code: 'FORBIDDEN' });

    const decide = (role: string) =>
      inTransaction(pool, (db) =>
        decideWaveAdvance(db, { organizationId: org, approvalId, approverId: people[role]!, approve: false, comment: `held by ${role}` }, person(role)),
      );
    const outcomes = await Promise.allSettled([decide('ADMIN'), decide('DATA_SCIENTIST')]);
    expect(outcomes.map(refusalOf).sort()).toEqual(['CONFLICT', 'fulfilled']);
    expect(await eventsAbout(approvalId, 'approval.updated')).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM gate_decisions WHERE wave_id = $1', wave.id)).toBe(1);
    expect((await pool.query('SELECT status::text FROM scaling_waves WHERE id = $1', [wave.id])).rows[0].status).toBe('ACTIVE');
  });
});
