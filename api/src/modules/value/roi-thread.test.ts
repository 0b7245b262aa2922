// The thread query on the seeded predictive-maintenance use case: a drift report triggers a
// retraining run, its version is promoted by an approver, raises insights, and downtime falls;
// roiChange answers why the ROI moved with the complete chain and who and when at each step.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { cncFeatureSpec, registerHandMadeVersion } from '../../../../scripts/test/hand-made-versions.ts';

const THREAD = `query($id: ID!, $from: DateTimeISO!) { useCase(id: $id) { roiChange(from: $from) {
  basis roiChange before { at roi cumulativeBenefit } after { at roi cumulativeBenefit }
  kpis { kpi { name } averageBefore averageAfter benefitPerMonthChange measurements { value source measuredAt } }
  insights { title raisedAt modelVersion { version } asset { code } }
  modelVersions { insights version { version createdAt }
    trainingRun { trigger dataWindowStartAt dataWindowEndAt createdAt requestedBy { email } }
    driftReport { drifting driftingShare createdAt windowEndAt }
    approvals { status createdAt decidedAt requestedBy { email } approver { email } }
    events { type actorLabel occurredAt } }
  decisions { type actorLabel occurredAt } } } }`;

describe('why did the ROI change? (the thread query)', () => {
  let api: ApiHarness;
  let useCaseId: string;
  let from: string;

  beforeAll(async () => {
    api = await startApi();
    const [data, approver, engineer] = [
      await api.login('data@northwind.example'),
      await api.login('approver@northwind.example'),
      await api.login('engineer@northwind.example'),
    ];
    const pool = api.services.db.pool;
    const org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
    useCaseId = (await pool.query("SELECT id FROM use_cases WHERE name LIKE 'Predictive maintenance%'")).rows[0].id;
    // The test plant was seeded on 2026-11-01 with weekly downtime history up to mid-October.
    from = '2026-11-01T08:00:00.000Z';
    const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
    const modelId = (
      await pool.query(
        "INSERT INTO models (organization_id, name, task, asset_type_id, use_case_id) VALUES ($1, 'Spindle risk (thread)', 'FAILURE_RISK', $2, $3) RETURNING id",
        [org, assetTypeId, useCaseId],
      )
    ).rows[0].id as string;
    const model = { organizationId: org, id: modelId, spec, scale };
    const v1 = await registerHandMadeVersion(pool, key, model, 1, -2, 0.6);
    // Drift on v1 triggers a retraining run on a data window; its output is v2.
    const drift = (
      await pool.query(
        `INSERT INTO drift_reports (organization_id, model_version_id, window_start_at, window_end_at, drifting_share, drifting)
       VALUES ($1, $2, now() - interval '26 hours', now() - interval '25 hours', 0.5, true) RETURNING id`,
        [org, v1],
      )
    ).rows[0].id;
    const run = (
      await pool.query(
        `INSERT INTO training_runs (organization_id, model_id, base_version_id, drift_report_id, trigger, status, data_window_start_at, data_window_end_at, started_at, finished_at)
       VALUES ($1, $2, $3, $4, 'DRIFT', 'SUCCEEDED', now() - interval '8 days', now() - interval '25 hours', now() - interval '24 hours', now() - interval '23 hours') RETURNING id`,
        [org, modelId, v1, drift],
      )
    ).rows[0].id;
    const v2 = await registerHandMadeVersion(pool, key, model, 1.5, -2, 0.6);
    await pool.query('UPDATE model_versions SET training_run_id = $2, parent_version_id = $3 WHERE id = $1', [v2, run, v1]);
    // A data scientist asks, an approver promotes v2.
    const request = await api.gql(
      'mutation($i: PromotionRequestInput!) { requestModelPromotion(input: $i) { id } }',
      { i: { versionId: v2, comment: 'Retrained after drift' } },
      data,
    );
    const approvalId = request.data!.requestModelPromotion.id;
    expect(
      (await api.gql('mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status } }', { i: { approvalId, approve: true } }, approver))
        .errors,
    ).toBeUndefined();
    // v2 raises two insights for the use case; downtime falls to 20 h/month.
    const asset = (await pool.query("SELECT id FROM assets WHERE code = 'LEJ-L1-CNC03'")).rows[0].id;
    await pool.query(
      `INSERT INTO insights (organization_id, asset_id, use_case_id, model_version_id, kind, severity, title, evidence_start_at, evidence_end_at, raised_at)
       SELECT $1, $2, $3, $4, 'FAILURE_RISK', 'WARNING', 'Spindle bearing wear ' || n, now() - n * interval '1 hour', now() - n * interval '1 hour', now() - n * interval '1 hour' + interval '30 seconds'
         FROM generate_series(1, 2) n`,
      [org, asset, useCaseId, v2],
    );
    const kpiId = (await pool.query("SELECT id FROM kpis WHERE use_case_id = $1 AND name = 'Unplanned downtime'", [useCaseId])).rows[0].id;
    expect(
      (
        await api.gql(
          'mutation($i: KpiMeasurementInput!) { createKpiMeasurement(input: $i) { id } }',
          { i: { kpiId, measuredAt: new Date(Date.now() - 3_600_000).toISOString(), value: 5, note: 'Counted from the shift log' } },
          engineer,
        )
      ).errors,
    ).toBeUndefined();
  });
  afterAll(async () => api?.close());

  it('returns the complete chain for the seeded use case, with who and when at each step', async () => {
    const res = await api.gql(THREAD, { id: useCaseId, from }, await api.login('viewer@northwind.example'));
    expect(res.errors).toBeUndefined();
    const change = res.data!.useCase.roiChange;
    // ROI ← KPI measurements: the lower downtime raised the realised benefit.
    expect(change.basis).toBe('REALISED');
    expect(change.after.cumulativeBenefit).toBeGreaterThan(change.before.cumulativeBenefit);
    expect(change.roiChange).toBeGreaterThan(0);
    const downtime = change.kpis[0];
    expect(downtime.kpi.name).toBe('Unplanned downtime');
    expect(downtime.averageAfter).toBeLessThan(downtime.averageBefore);
    expect(downtime.benefitPerMonthChange).toBeCloseTo((downtime.averageBefore - downtime.averageAfter) * 1850, 6);
    expect(downtime.measurements).toEqual([expect.objectContaining({ value: 5, source: 'MANUAL' })]);
    // ← insights ← model version ← training run and data window ← drift report ← approvals.
    expect(
      change.insights.map((i: { title: string; modelVersion: { version: number }; asset: { code: string } }) => [
        i.title,
        i.modelVersion.version,
        i.asset.code,
      ]),
    ).toEqual([
      ['Spindle bearing wear 1', 2, 'LEJ-L1-CNC03'],
      ['Spindle bearing wear 2', 2, 'LEJ-L1-CNC03'],
    ]);
    // v2 raised the insights; v1, registered in the period too, is its base.
    expect(change.modelVersions.map((v: { version: { version: number }; insights: number }) => [v.version.version, v.insights])).toEqual([
      [2, 2],
      [1, 0],
    ]);
    const step = change.modelVersions[0];
    expect(step).toMatchObject({
      insights: 2,
      version: { version: 2 },
      trainingRun: { trigger: 'DRIFT', requestedBy: null },
      driftReport: { drifting: true, driftingShare: 0.5 },
    });
    expect(Date.parse(step.trainingRun.dataWindowEndAt)).toBeLessThanOrEqual(Date.parse(step.trainingRun.createdAt));
    expect(step.approvals).toEqual([
      expect.objectContaining({ status: 'APPROVED', requestedBy: { email: 'data@northwind.example' }, approver: { email: 'approver@northwind.example' } }),
    ]);
    expect(step.approvals[0].decidedAt).not.toBeNull();
    expect(step.events.map((e: { type: string; actorLabel: string }) => [e.type, e.actorLabel])).toEqual([
      ['model_version.created', 'test'],
      ['model_alias.moved', 'approver@northwind.example'],
    ]);
    // Decisions about the use case in the period: the engineer's measurement.
    expect(change.decisions).toEqual([expect.objectContaining({ type: 'kpi_measurement.created', actorLabel: 'engineer@northwind.example' })]);
  });

  it('refuses a period that ends before it starts', async () => {
    const res = await api.gql(
      'query($id: ID!) { useCase(id: $id) { roiChange(from: "2030-01-01T00:00:00Z") { basis } } }',
      { id: useCaseId },
      await api.login('viewer@northwind.example'),
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'from' } });
  });
});
