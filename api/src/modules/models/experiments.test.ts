// Experiments through GraphQL: a data scientist starts an A/B test whose challenger gets exactly
// its share of the champion deployment's assets, or a shadow over all of them; a viewer may not;
// bad shares, the champion's own version, a second experiment and edge deployments are refused
// with their field; an approver's promotion of the challenger concludes the experiment, and
// ending one by hand returns its assets to the champion, all in a verifiable audit chain.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { handMadeOnnx } from '../../../../scripts/test/hand-made-versions.ts';

const spec: FeatureSpec = {
  version: 1,
  windowSeconds: 300,
  stepSeconds: 10,
  aggregates: ['mean'],
  signals: [{ name: 'spindle_vibration', unit: 'mm/s', min: 0, max: 7.1 }],
  reference: [3],
};
const onnxOf = (bias: number) => Buffer.from(handMadeOnnx(spec, [1], [1], bias)).toString('base64');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

const START = `mutation($i: StartExperimentInput!) { startExperiment(input: $i) {
  id kind status trafficShare metric statisticalTest championDeploymentId challengerDeployment { mode status } challengerAssets { id } } }`;
const END =
  'mutation($i: EndExperimentInput!) { endExperiment(input: $i) { status decision endedAt challengerDeployment { status } challengerAssets { id } } }';

describe('experiments in GraphQL', () => {
  let api: ApiHarness;
  let data: string;
  let viewer: string;
  let approver: string;
  let modelId: string;
  let assets: string[];
  let deploymentId: string;
  let edgeDeploymentId: string;
  const versions: string[] = [];

  beforeAll(async () => {
    api = await startApi();
    data = await api.login('data@northwind.example');
    viewer = await api.login('viewer@northwind.example');
    approver = await api.login('approver@northwind.example');
    const prisma = api.services.db.prisma;
    const type = await prisma.assetType.findFirstOrThrow({ where: { name: 'CNC machining centre' } });
    assets = (await prisma.asset.findMany({ where: { assetTypeId: type.id } })).map((a) => a.id);
    const created = await api.gql(
      'mutation($i: ModelInput!) { createModel(input: $i) { id } }',
      { i: { name: 'Spindle risk', task: 'FAILURE_RISK', assetTypeId: type.id } },
      data,
    );
    modelId = created.data!.createModel.id;
    for (const bias of [-1, 0, 1]) {
      const res = await api.gql(
        'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id } }',
        { i: { modelId, onnx: onnxOf(bias), featureSpec: spec, threshold: 0.7 } },
        data,
      );
      versions.push(res.data!.registerModelVersion.id);
    }
    await api.gql(
      'mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { alias } }',
      { i: { modelId, alias: 'champion', versionId: versions[0] } },
      approver,
    );
    const deploy = async (target: string) => {
      const edgeTargetId = (await prisma.edgeTarget.findFirstOrThrow({ where: { name: target } })).id;
      return (await api.gql('mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }', { i: { modelId, alias: 'champion', edgeTargetId } }, data))
        .data!.deployModel.id as string;
    };
    deploymentId = await deploy('cloud-inference');
    edgeDeploymentId = await deploy('lej-edge-01');
  });
  afterAll(async () => api?.close());

  it('refuses what cannot run, each with its field or code', async () => {
    const start = (i: object, token = data) => api.gql(START, { i: { championDeploymentId: deploymentId, challengerVersionId: versions[1], ...i } }, token);
    expect((await start({ trafficShare: 0.5 }, viewer)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    for (const [input, field] of [
      [{ trafficShare: 1 }, 'trafficShare'],
      [{ trafficShare: 0.01 }, 'trafficShare'],
      [{ challengerVersionId: versions[0] }, 'challengerVersionId'],
      [{ championDeploymentId: edgeDeploymentId }, 'championDeploymentId'],
      [{ metric: 'accuracy' }, undefined],
    ] as const) {
      const res = await start(input);
      expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      if (field) expect(res.errors![0]!.extensions!.details).toMatchObject({ field });
    }
    expect(await api.services.db.prisma.experiment.count()).toBe(0);
    expect(await api.services.db.prisma.deployment.count({ where: { mode: { not: 'CHAMPION' } } })).toBe(0);
  });

  it("gives an A/B challenger exactly its share, by hash; the approver's promotion concludes it", async () => {
    const res = await api.gql(START, { i: { championDeploymentId: deploymentId, challengerVersionId: versions[1], trafficShare: 0.2 } }, data);
    expect(res.errors).toBeUndefined();
    const x = res.data!.startExperiment;
    expect(x).toMatchObject({
      kind: 'AB_TEST',
      status: 'RUNNING',
      trafficShare: 0.2,
      metric: 'brier',
      statisticalTest: 'welch_t',
      championDeploymentId: deploymentId,
      challengerDeployment: { mode: 'CHALLENGER', status: 'ACTIVE' },
    });
    const expected = [...assets].sort((a, b) => md5(x.id + a).localeCompare(md5(x.id + b))).slice(0, Math.round(0.2 * assets.length));
    expect(x.challengerAssets.map((a: { id: string }) => a.id).sort()).toEqual(expected.sort());
    const second = await api.gql(START, { i: { championDeploymentId: deploymentId, challengerVersionId: versions[2], kind: 'SHADOW' } }, data);
    expect(second.errors![0]!.message).toMatch(/already runs/);

    const requested = await api.gql(
      'mutation($i: PromotionRequestInput!) { requestModelPromotion(input: $i) { id } }',
      { i: { versionId: versions[1] } },
      data,
    );
    const approvalId = requested.data!.requestModelPromotion.id;
    const decided = await api.gql(
      'mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status } }',
      { i: { approvalId, approve: true } },
      approver,
    );
    expect(decided.data!.decideModelPromotion.status).toBe('APPROVED');
    const after = await api.gql(
      'query($id: ID!) { experiment(id: $id) { status decision decidedAt challengerDeployment { status } challengerAssets { id } } }',
      { id: x.id },
      viewer,
    );
    expect(after.data!.experiment).toMatchObject({
      status: 'CONCLUDED',
      decision: 'PROMOTE_CHALLENGER',
      challengerDeployment: { status: 'RETIRED' },
      challengerAssets: [],
    });
    const audit = await api.services.db.prisma.auditEvent.findMany({
      where: { type: { in: ['experiment.started', 'approval.created', 'model_alias.moved', 'experiment.ended'] } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((e) => e.type)).toEqual(['model_alias.moved', 'experiment.started', 'approval.created', 'model_alias.moved', 'experiment.ended']);
    expect(audit[2]!.payload).toMatchObject({ experiment: { experimentId: x.id, kind: 'AB_TEST', status: 'RUNNING' } });
  });

  it('runs a shadow over every asset and ends it by hand without promoting', async () => {
    const res = await api.gql(START, { i: { championDeploymentId: deploymentId, challengerVersionId: versions[2], kind: 'SHADOW', metric: 'log_loss' } }, data);
    expect(res.data!.startExperiment).toMatchObject({ kind: 'SHADOW', statisticalTest: 'paired_t', trafficShare: 1, challengerDeployment: { mode: 'SHADOW' } });
    expect(res.data!.startExperiment.challengerAssets).toHaveLength(assets.length);
    const id = res.data!.startExperiment.id;
    const promote = await api.gql(END, { i: { experimentId: id, decision: 'PROMOTE_CHALLENGER' } }, data);
    expect(promote.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'decision' } });
    expect((await api.gql(END, { i: { experimentId: id } }, viewer)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const ended = await api.gql(END, { i: { experimentId: id, decision: 'KEEP_CHAMPION', comment: 'no better on log loss' } }, data);
    expect(ended.data!.endExperiment).toMatchObject({
      status: 'CONCLUDED',
      decision: 'KEEP_CHAMPION',
      challengerDeployment: { status: 'RETIRED' },
      challengerAssets: [],
    });
    expect((await api.gql(END, { i: { experimentId: id } }, data)).errors![0]!.extensions!.code).toBe('CONFLICT');
    const listed = await api.gql('query($m: ID!) { experiments(filter: { modelId: $m }) { nodes { kind status } } }', { m: modelId }, viewer);
    expect(listed.data!.experiments.nodes).toHaveLength(2);
    expect((await api.gql('{ verifyAuditChain { ok } }', {}, approver)).data!.verifyAuditChain.ok).toBe(true);
  });

  it('answers lineage from a drift report to the runs it started and the versions they made', async () => {
    const { pool } = api.services.db;
    const { organizationId } = await api.services.db.prisma.model.findFirstOrThrow({ where: { id: modelId } });
    const {
      rows: [report],
    } = await pool.query<{ id: string }>(
      "INSERT INTO drift_reports (organization_id, model_version_id, deployment_id, window_start_at, window_end_at, features, drifting_share, drifting) VALUES ($1, $2, $3, now() - interval '1 day', now(), '{}', 0.5, true) RETURNING id",
      [organizationId, versions[1], deploymentId],
    );
    const {
      rows: [run],
    } = await pool.query<{ id: string }>(
      "INSERT INTO training_runs (organization_id, model_id, base_version_id, drift_report_id, trigger, data_window_start_at, data_window_end_at, status) VALUES ($1, $2, $3, $4, 'DRIFT', now() - interval '3 days', now(), 'SUCCEEDED') RETURNING id",
      [organizationId, modelId, versions[1], report!.id],
    );
    await pool.query('UPDATE model_versions SET training_run_id = $2, parent_version_id = $3 WHERE id = $1', [versions[2], run!.id, versions[1]]);
    const res = await api.gql(
      `query($id: ID!) { driftReport(id: $id) { drifting deployment { id } modelVersion { version }
      trainingRuns { trigger baseVersion { version } outputs { version parent { version } } } } }`,
      { id: report!.id },
      viewer,
    );
    expect(res.data!.driftReport).toEqual({
      drifting: true,
      deployment: { id: deploymentId },
      modelVersion: { version: 2 },
      trainingRuns: [{ trigger: 'DRIFT', baseVersion: { version: 2 }, outputs: [{ version: 3, parent: { version: 2 } }] }],
    });
  });
});
