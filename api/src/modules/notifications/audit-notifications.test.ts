// The audited events the notification centre tells (issue 24, item 2), each as its rules match it:
// a drift report that found drift (and not one that found none), a retraining run that ended, a
// promotion requested and decided, a gate review requested; each gets its kind, severity, title,
// scope (the model's use case and asset type, the wave's use case) and a delivery per matching rule.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { appendAuditEvent } from '@threadline/db/audit/audit-log';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { notificationOfAuditEvent } from '@threadline/db/notifications/audit-events';
import { matchingRules } from '@threadline/db/notifications/fan-out';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { cncFeatureSpec, registerHandMadeVersion } from '../../../../scripts/test/hand-made-versions.ts';

describe('notifications of audited events', () => {
  let api: ApiHarness;
  let org: string;
  let useCaseId: string;
  let assetTypeId: string;
  let modelId: string;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    api = await startApi();
    const pool = api.services.db.pool;
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    useCaseId = (await pool.query("SELECT id FROM use_cases WHERE name LIKE 'Predictive maintenance%'")).rows[0].id;
    const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const cnc = await cncFeatureSpec(pool, org);
    assetTypeId = cnc.assetTypeId;
    modelId = (
      await pool.query(
        "INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id) VALUES ($1, 'Spindle risk', 'FAILURE_RISK', $2, $3) RETURNING id",
        [org, assetTypeId, useCaseId],
      )
    ).rows[0].id;
    const model = { organizationId: org, id: modelId, spec: cnc.spec, scale: cnc.scale };
    v1 = await registerHandMadeVersion(pool, key, model, 1, -2, 0.6);
    v2 = await registerHandMadeVersion(pool, key, model, 1.5, -2, 0.6);
  });
  afterAll(async () => api?.close());

  /** The notification of the newest audit event of `type` about `subjectId`. */
  const notificationOf = async (type: string, subjectId: string) => {
    const { rows } = await api.services.db.pool.query('SELECT id FROM audit_events WHERE type = $1 AND subject_id = $2 ORDER BY seq DESC LIMIT 1', [
      type,
      subjectId,
    ]);
    expect(rows).toHaveLength(1);
    return notificationOfAuditEvent(rawSqlOf(api.services.db.pool), org, rows[0].id);
  };
  /** Audits as the drift check (about the model version, the report in the payload) and the training outcome do. */
  const audit = (
    type: 'drift_report.created' | 'training_run.updated',
    subjectType: 'model_version' | 'training_run',
    subjectId: string,
    payload: Record<string, string | number | boolean | string[]>,
  ) =>
    inTransaction(api.services.db.pool, (tx) =>
      appendAuditEvent(tx, { organizationId: org, type, actor: { kind: 'SYSTEM', id: null, label: 'test' }, subjectType, subjectId, payload }),
    );
  const scope = () => ({ useCaseId, assetId: null, assetTypeId });

  it('tells drift that was found, and nothing when none was', async () => {
    const report = async (drifting: boolean) =>
      (
        await api.services.db.pool.query(
          `INSERT INTO drift_reports (organization_id, model_version_id, window_start_at, window_end_at, drifting_share, drifting)
           VALUES ($1, $2, now() - interval '2 hours', now() - interval '1 hour', $3, $4) RETURNING id`,
          [org, v1, drifting ? 0.5 : 0, drifting],
        )
      ).rows[0].id as string;
    const driftPayload = (driftReportId: string, drifting: boolean) => ({
      driftReportId,
      deploymentId: v1,
      drifting,
      driftingShare: drifting ? 0.5 : 0,
      driftingFeatures: drifting ? ['spindle_vibration_mean'] : [],
    });
    const drifting = await report(true);
    await audit('drift_report.created', 'model_version', v1, driftPayload(drifting, true));
    expect(await notificationOf('drift_report.created', v1)).toMatchObject({
      kind: 'drift.detected',
      severity: 'WARNING',
      title: 'Drift on Spindle risk v1',
      summary: '50 % of the features of Spindle risk v1 drifted from its training data.',
      scope: scope(),
      link: `/models?model=${modelId}`,
      key: expect.stringMatching(/^audit:/),
    });
    const calm = await report(false);
    await audit('drift_report.created', 'model_version', v1, driftPayload(calm, false));
    expect(await notificationOf('drift_report.created', v1)).toBeNull();
  });

  it('tells a retraining run that succeeded, and one that failed as a warning', async () => {
    const run = async (status: string, error: string | null) =>
      (
        await api.services.db.pool.query(
          `INSERT INTO training_runs (organization_id, model_id, base_version_id, trigger, status, error, data_window_start_at, data_window_end_at)
           VALUES ($1, $2, $3, 'DRIFT', $4, $5, now() - interval '8 days', now() - interval '1 day') RETURNING id`,
          [org, modelId, v1, status, error],
        )
      ).rows[0].id as string;
    const ok = await run('SUCCEEDED', null);
    await api.services.db.pool.query('UPDATE model_versions SET training_run_id = $1 WHERE id = $2', [ok, v2]);
    await audit('training_run.updated', 'training_run', ok, { status: 'SUCCEEDED' });
    expect(await notificationOf('training_run.updated', ok)).toMatchObject({
      kind: 'retraining.done',
      severity: 'INFO',
      title: 'Spindle risk retrained: v2',
      facts: { status: 'SUCCEEDED', version: 2, versionId: v2 },
    });
    const failed = await run('FAILED', 'too few labelled windows');
    await audit('training_run.updated', 'training_run', failed, { status: 'FAILED' });
    expect(await notificationOf('training_run.updated', failed)).toMatchObject({
      kind: 'retraining.done',
      severity: 'WARNING',
      summary: 'A drift training run of Spindle risk failed: too few labelled windows.',
    });
  });

  it('tells a promotion requested and decided, and a gate review requested, to the rules that match them', async () => {
    const admin = await api.login('admin@northwind.example');
    const channel = await api.gql(
      'mutation { createNotificationChannel(input: { name: "Model owners", kind: EMAIL, target: "models@northwind.example" }) { id } }',
      {},
      admin,
    );
    const rule = await api.gql(
      'mutation($i: NotificationRuleInput!) { createNotificationRule(input: $i) { id } }',
      {
        i: {
          name: 'Predictive maintenance decisions',
          eventKinds: ['promotion.requested', 'promotion.decided', 'gate_review.requested'],
          useCaseId,
          channelId: channel.data!.createNotificationChannel.id,
        },
      },
      admin,
    );
    expect(rule.errors).toBeUndefined();

    const data = await api.login('data@northwind.example');
    const requested = await api.gql(
      'mutation($i: PromotionRequestInput!) { requestModelPromotion(input: $i) { id } }',
      { i: { versionId: v2, comment: 'better recall' } },
      data,
    );
    const approvalId = requested.data!.requestModelPromotion.id as string;
    const promotion = (await notificationOf('approval.created', approvalId))!;
    expect((await matchingRules(rawSqlOf(api.services.db.pool), promotion)).map((r) => [r.ruleName, r.channelName])).toEqual([
      ['Predictive maintenance decisions', 'Model owners'],
    ]);
    // Another use case's promotion does not match the rule's scope.
    expect(await matchingRules(rawSqlOf(api.services.db.pool), { ...promotion, scope: { ...promotion.scope, useCaseId: null } })).toEqual([]);
    expect(promotion).toMatchObject({
      kind: 'promotion.requested',
      title: 'Promotion of Spindle risk v2 requested',
      summary: 'Dana Scientist asks for Spindle risk v2 to be made champion; an approver decides.',
      scope: scope(),
    });
    const approver = await api.login('approver@northwind.example');
    const decided = await api.gql(
      'mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status } }',
      { i: { approvalId, approve: false, comment: 'not yet' } },
      approver,
    );
    expect(decided.errors).toBeUndefined();
    expect(await notificationOf('approval.updated', approvalId)).toMatchObject({
      kind: 'promotion.decided',
      title: 'Promotion of Spindle risk v2 rejected',
      summary: 'Anja Approver rejected making Spindle risk v2 champion: "not yet"',
    });

    const wave = (await api.services.db.pool.query("SELECT id, name FROM scaling_waves WHERE use_case_id = $1 AND status = 'ACTIVE' LIMIT 1", [useCaseId]))
      .rows[0];
    const review = await api.gql(
      'mutation($i: WaveAdvanceRequestInput!) { requestWaveAdvance(input: $i) { id } }',
      { i: { waveId: wave.id, rationale: 'gates met' } },
      admin,
    );
    expect(review.errors).toBeUndefined();
    expect(await notificationOf('approval.created', review.data!.requestWaveAdvance.id)).toMatchObject({
      kind: 'gate_review.requested',
      title: `Gate review requested: ${wave.name}`,
      scope: { useCaseId, assetId: null, assetTypeId: null },
      link: `/use-cases/${useCaseId}`,
    });
  });
});
