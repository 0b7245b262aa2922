// The model registry through GraphQL: training requests reach the workers' channel, outside
// versions are checked and signed, aliases move deployments and the append-only history answers
// which version scored an asset at a moment, retirement rules hold, edge bundles verify, and
// every write is authorised, audited and kept to its tenant.
import { createPublicKey } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdOf } from '@threadline/db/audit/audit-keys';
import { verifyBundle } from '@threadline/db/models/edge-bundle';
import { featureNames, type FeatureSpec } from '@threadline/db/models/feature-spec';
import { OUTBOX_CHANNEL } from '@threadline/db/outbox';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { handMadeOnnx, withExternalData } from '../../../../scripts/test/hand-made-versions.ts';

const spec: FeatureSpec = {
  version: 1,
  windowSeconds: 300,
  stepSeconds: 10,
  aggregates: ['mean', 'max'],
  signals: [
    { name: 'spindle_vibration', unit: 'mm/s', min: 0, max: 7.1 },
    { name: 'spindle_temperature', unit: '°C', min: 15, max: 65 },
  ],
  reference: [3, 4, 40, 45],
};
const onnxOf = (bias: number) => Buffer.from(handMadeOnnx(spec, [1, 1, 10, 10], [1, 0.5, 0.2, 0.1], bias)).toString('base64');

describe('the model registry', () => {
  let api: ApiHarness;
  let data: string;
  let viewer: string;
  let approver: string;
  let modelId: string;
  let assetId: string;
  let cloudId: string;
  const versions: string[] = [];
  let deploymentId: string;
  let movedAt: Date;

  beforeAll(async () => {
    api = await startApi();
    data = await api.login('data@northwind.example');
    viewer = await api.login('viewer@northwind.example');
    approver = await api.login('approver@northwind.example');
    const prisma = api.services.db.prisma;
    const type = await prisma.assetType.findFirstOrThrow({ where: { name: 'CNC machining centre' } });
    assetId = (await prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-CNC02' } })).id;
    cloudId = (await prisma.edgeTarget.findFirstOrThrow({ where: { name: 'cloud-inference' } })).id;
    const res = await api.gql(
      'mutation($i: ModelInput!) { createModel(input: $i) { id assetTypeId } }',
      { i: { name: 'Spindle risk', task: 'FAILURE_RISK', assetTypeId: type.id } },
      data,
    );
    expect(res.errors).toBeUndefined();
    modelId = res.data!.createModel.id;
  });
  afterAll(async () => api?.close());

  it("keeps a model's policy checked, with its defaults, and audited", async () => {
    const bad = await api.gql(
      'mutation($id: ID!, $i: ModelUpdate!) { updateModel(id: $id, input: $i) { id } }',
      { id: modelId, i: { policy: { driftShare: 2, retrain: true } } },
      data,
    );
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'policy' } });
    const res = await api.gql(
      'mutation($id: ID!, $i: ModelUpdate!) { updateModel(id: $id, input: $i) { policy } }',
      { id: modelId, i: { policy: { autoRetrain: true, driftShare: 0.2 } } },
      data,
    );
    expect(res.data!.updateModel.policy).toMatchObject({ autoRetrain: true, driftShare: 0.2, psiThreshold: 0.25, autoPromote: false });
    const audit = await api.services.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'model.updated', subjectId: modelId }, orderBy: { seq: 'desc' } });
    expect(JSON.stringify(audit.payload)).toMatch(/autoRetrain/);
    const renamed = await api.gql(
      'mutation($id: ID!, $i: ModelUpdate!) { updateModel(id: $id, input: $i) { name policy } }',
      { id: modelId, i: { description: 'kept policy' } },
      data,
    );
    expect(renamed.data!.updateModel.policy).toMatchObject({ autoRetrain: true });
  });

  it('queues a training run through the outbox, announced to the workers when it commits', async () => {
    const listener = new pg.Client({ connectionString: api.database.url });
    await listener.connect();
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    const announced = new Promise<string>((resolve) => listener.on('notification', (m) => resolve(m.payload!)));
    const res = await api.gql(
      'mutation($i: TrainModelInput!) { trainModel(input: $i) { id status trigger params model { name } } }',
      {
        i: { modelId, from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z', params: { family: 'MLP', horizonMinutes: 90 } },
      },
      data,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.trainModel).toMatchObject({
      status: 'QUEUED',
      trigger: 'MANUAL',
      params: { family: 'MLP', horizonMinutes: 90 },
      model: { name: 'Spindle risk' },
    });
    expect(await announced).toBe('models');
    const outbox = await api.services.db.prisma.outboxMessage.findMany();
    expect(outbox).toMatchObject([
      {
        queue: 'models',
        jobName: 'model-training',
        jobId: `training-${res.data!.trainModel.id}`,
        payload: { trainingRunId: res.data!.trainModel.id },
        dispatchedAt: null,
      },
    ]);
    await listener.end();
    const denied = await api.gql(
      'mutation($i: TrainModelInput!) { trainModel(input: $i) { id } }',
      { i: { modelId, from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z' } },
      viewer,
    );
    expect(denied.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const backwards = await api.gql(
      'mutation($i: TrainModelInput!) { trainModel(input: $i) { id } }',
      { i: { modelId, from: '2026-11-08T00:00:00Z', to: '2026-11-01T00:00:00Z' } },
      data,
    );
    expect(backwards.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'to' } });
    const badParams = await api.gql(
      'mutation($i: TrainModelInput!) { trainModel(input: $i) { id } }',
      { i: { modelId, from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z', params: { family: 'FOREST', windowSeconds: 1 } } },
      data,
    );
    expect(badParams.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'params' } });
    expect(badParams.errors![0]!.message).toMatch(/family.*windowSeconds/);
    // The vision network halves its frames three times: a side that is no multiple of 8 is refused with where.
    const badSize = await api.gql(
      'mutation($i: TrainModelInput!) { trainModel(input: $i) { id } }',
      { i: { modelId, from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z', params: { family: 'CNN', image: { size: 36 } } } },
      data,
    );
    expect(badSize.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'params' } });
    expect(badSize.errors![0]!.message).toMatch(/image\.size.*multiple of 8/);
    expect(await api.services.db.prisma.trainingRun.count()).toBe(1);
  });

  it('queues one run per request key, however often and however concurrently the request is sent', async () => {
    const train = (key: string, model = modelId) =>
      api.gql<{ trainModel: { id: string; requestKey: string } }>(
        'mutation($i: TrainModelInput!) { trainModel(input: $i) { id requestKey } }',
        {
          i: { modelId: model, from: '2026-11-01T00:00:00Z', to: '2026-11-08T00:00:00Z', requestKey: key },
        },
        data,
      );
    const runsBefore = await api.services.db.prisma.trainingRun.count();
    const outboxBefore = await api.services.db.prisma.outboxMessage.count();
    const auditBefore = await api.services.db.prisma.auditEvent.count({ where: { type: 'training_run.created' } });
    const answers = await Promise.all([train('retrain-2026-11-23'), train('retrain-2026-11-23'), train('retrain-2026-11-23')]);
    const ids = new Set(answers.map((a) => a.data!.trainModel.id));
    expect(ids.size).toBe(1);
    expect(answers[0]!.data!.trainModel.requestKey).toBe('retrain-2026-11-23');
    expect((await train('retrain-2026-11-23')).data!.trainModel.id).toBe([...ids][0]);
    expect(await api.services.db.prisma.trainingRun.count()).toBe(runsBefore + 1);
    expect(await api.services.db.prisma.outboxMessage.count()).toBe(outboxBefore + 1);
    expect(await api.services.db.prisma.auditEvent.count({ where: { type: 'training_run.created' } })).toBe(auditBefore + 1);

    const other = await api.gql(
      'mutation($i: ModelInput!) { createModel(input: $i) { id } }',
      {
        i: {
          name: 'Other risk',
          task: 'FAILURE_RISK',
          assetTypeId: (await api.services.db.prisma.model.findUniqueOrThrow({ where: { id: modelId } })).assetTypeId,
        },
      },
      data,
    );
    const reused = await train('retrain-2026-11-23', other.data!.createModel.id);
    expect(reused.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', details: { field: 'requestKey' } });
    expect((await train('')).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect((await train('k'.repeat(201))).errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('registers outside versions only when their ONNX fits the feature spec, and signs them', async () => {
    const register = (onnx: string, featureSpec: unknown = spec) =>
      api.gql(
        'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id version family sha256 signature signingKeyId aliases } }',
        { i: { modelId, onnx, featureSpec, threshold: 0.7 } },
        data,
      );
    const garbage = await register(Buffer.from('not a model').toString('base64'));
    expect(garbage.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'onnx' } });
    const mismatch = await register(onnxOf(0), { ...spec, aggregates: ['mean'], reference: [3, 40] });
    expect(mismatch.errors![0]!.message).toMatch(/\[N, 2\]/);
    const external = await register(Buffer.from(withExternalData(handMadeOnnx(spec, [1, 1, 10, 10], [1, 0.5, 0.2, 0.1], 0))).toString('base64'));
    expect(external.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'onnx' } });
    expect(external.errors![0]!.message).toMatch(/external data files/);
    const badSpec = await register(onnxOf(0), { ...spec, reference: [1] });
    expect(badSpec.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'featureSpec' } });
    for (const bias of [-1, 0]) {
      const res = await register(onnxOf(bias));
      expect(res.errors).toBeUndefined();
      expect(res.data!.registerModelVersion).toMatchObject({ family: 'EXTERNAL', aliases: [] });
      expect(res.data!.registerModelVersion.sha256).toMatch(/^[0-9a-f]{64}$/);
      versions.push(res.data!.registerModelVersion.id);
    }
    const keys = await api.gql('{ modelSigningKeys { keyId publicKey development } }', {}, viewer);
    const version = await api.gql('query($id: ID!) { modelVersion(id: $id) { version signingKeyId model { features } } }', { id: versions[1] }, viewer);
    expect(version.data!.modelVersion).toMatchObject({ version: 2, model: { features: featureNames(spec) } });
    expect(keys.data!.modelSigningKeys.map((k: { keyId: string }) => k.keyId)).toContain(version.data!.modelVersion.signingKeyId);
  });

  it('moves deployments with their alias and answers which version scored an asset at a moment', async () => {
    const alias = (versionId: string) =>
      api.gql(
        'mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { alias modelVersionId } }',
        { i: { modelId, alias: 'champion', versionId } },
        approver,
      );
    expect((await alias(versions[0]!)).data!.setModelAlias).toEqual({ alias: 'champion', modelVersionId: versions[0] });
    const deployed = await api.gql(
      'mutation($i: DeployModelInput!) { deployModel(input: $i) { id alias status modelVersionId } }',
      { i: { modelId, alias: 'champion', edgeTargetId: cloudId } },
      data,
    );
    expect(deployed.errors).toBeUndefined();
    expect(deployed.data!.deployModel).toMatchObject({ alias: 'champion', status: 'ACTIVE', modelVersionId: versions[0] });
    deploymentId = deployed.data!.deployModel.id;
    const both = await api.gql(
      'mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }',
      { i: { modelId, alias: 'champion', versionId: versions[0], edgeTargetId: cloudId } },
      data,
    );
    expect(both.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const noAlias = await api.gql(
      'mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }',
      { i: { modelId, alias: 'nightly', edgeTargetId: cloudId } },
      data,
    );
    expect(noAlias.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'alias' } });
    const future = await api.gql(
      'mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }',
      { i: { modelId, versionId: versions[0], edgeTargetId: cloudId, scoreFrom: new Date(Date.now() + 86_400_000).toISOString() } },
      data,
    );
    expect(future.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'scoreFrom' } });

    await new Promise((r) => setTimeout(r, 20));
    movedAt = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await alias(versions[1]!);
    const history = await api.gql(
      'query($id: ID!) { deployment(id: $id) { modelVersionId assignments { modelVersionId validFrom validTo reason } } }',
      { id: deploymentId },
      viewer,
    );
    const { assignments } = history.data!.deployment;
    expect(history.data!.deployment.modelVersionId).toBe(versions[1]);
    expect(assignments.map((a: { modelVersionId: string }) => a.modelVersionId)).toEqual([versions[0], versions[1]]);
    expect(assignments[0].validTo).toBe(assignments[1].validFrom);
    expect(assignments[1].reason).toBe('alias champion moved');

    const at = (when: Date) =>
      api.gql(
        'query($a: ID!, $t: DateTimeISO!) { modelAssignmentsAt(assetId: $a, at: $t) { deploymentId modelVersionId } }',
        { a: assetId, t: when.toISOString() },
        viewer,
      );
    expect((await at(movedAt)).data!.modelAssignmentsAt).toEqual([{ deploymentId, modelVersionId: versions[0] }]);
    expect((await at(new Date())).data!.modelAssignmentsAt).toEqual([{ deploymentId, modelVersionId: versions[1] }]);
    expect((await at(new Date(Date.now() - 86_400_000))).data!.modelAssignmentsAt).toEqual([]);
    const aliases = await api.gql('query($id: ID!) { model(id: $id) { aliases { alias modelVersionId } } }', { id: modelId }, viewer);
    expect(aliases.data!.model.aliases).toEqual([{ alias: 'champion', modelVersionId: versions[1] }]);
    const audit = await api.services.db.prisma.auditEvent.findMany({
      where: { type: { in: ['model_alias.moved', 'deployment.created'] } },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((e) => e.type)).toEqual(['model_alias.moved', 'deployment.created', 'model_alias.moved']);
  });

  it("expands a prediction's compact explanation into features, values and units", async () => {
    const { organizationId } = await api.services.db.prisma.model.findFirstOrThrow({ where: { id: modelId } });
    await api.services.db.pool.query(
      'INSERT INTO predictions (organization_id, model_version_id, deployment_id, asset_id, ts, score, explanation) VALUES ($1, $2, $3, $4, now(), 0.93, $5)',
      [
        organizationId,
        versions[1],
        deploymentId,
        assetId,
        JSON.stringify([
          [1, 9.81, 0.41],
          [2, 44, -0.02],
        ]),
      ],
    );
    const res = await api.gql(
      'query($a: ID!) { predictions(filter: { assetId: $a }) { nodes { score explanation { feature signal aggregate value reference unit contribution } } } }',
      { a: assetId },
      viewer,
    );
    expect(res.data!.predictions.nodes[0].explanation).toEqual([
      { feature: 'spindle_vibration.max', signal: 'spindle_vibration', aggregate: 'max', value: 9.81, reference: 4, unit: 'mm/s', contribution: 0.41 },
      { feature: 'spindle_temperature.mean', signal: 'spindle_temperature', aggregate: 'mean', value: 44, reference: 40, unit: '°C', contribution: -0.02 },
    ]);
  });

  it("promotes to champion only on an approver's decision, with the evidence audited, and rolls back in one step", async () => {
    const champion = async () => (await api.services.db.prisma.modelAlias.findFirstOrThrow({ where: { modelId, alias: 'champion' } })).modelVersionId;
    const direct = await api.gql(
      'mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { alias } }',
      { i: { modelId, alias: 'champion', versionId: versions[0] } },
      data,
    );
    expect(direct.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(await champion()).toBe(versions[1]);
    const challenger = await api.gql(
      'mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { alias } }',
      { i: { modelId, alias: 'challenger', versionId: versions[1] } },
      data,
    );
    expect(challenger.errors).toBeUndefined();

    const registered = await api.gql(
      'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id } }',
      { i: { modelId, onnx: onnxOf(0.5), featureSpec: spec, metrics: { auc: 0.97 } } },
      data,
    );
    const candidate = registered.data!.registerModelVersion.id as string;
    const requested = await api.gql(
      'mutation($i: PromotionRequestInput!) { requestModelPromotion(input: $i) { id status subjectType subjectId } }',
      { i: { versionId: candidate, comment: 'better AUC' } },
      data,
    );
    expect(requested.data!.requestModelPromotion).toMatchObject({ status: 'PENDING', subjectType: 'MODEL_PROMOTION', subjectId: candidate });
    const approvalId = requested.data!.requestModelPromotion.id;
    const decide = (token: string, approve = true) =>
      api.gql(
        'mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status approverId } }',
        { i: { approvalId, approve, comment: 'evidence reviewed' } },
        token,
      );
    expect((await decide(data)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect(await champion()).toBe(versions[1]);
    const decided = await decide(approver);
    expect(decided.data!.decideModelPromotion.status).toBe('APPROVED');
    expect(await champion()).toBe(candidate);
    expect((await api.services.db.prisma.deployment.findFirstOrThrow({ where: { id: deploymentId } })).modelVersionId).toBe(candidate);
    expect((await decide(approver)).errors![0]!.extensions!.code).toBe('CONFLICT');

    // Someone who may do both (an admin) still needs a second person.
    const admin = await api.login('admin@northwind.example');
    const own = await api.gql('mutation($i: PromotionRequestInput!) { requestModelPromotion(input: $i) { id } }', { i: { versionId: versions[1] } }, admin);
    const self = await api.gql(
      'mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status } }',
      { i: { approvalId: own.data!.requestModelPromotion.id, approve: true } },
      admin,
    );
    expect(self.errors![0]!.extensions!.code).toBe('FORBIDDEN');

    expect(
      (await api.gql('mutation($i: AliasRollbackInput!) { rollbackModelAlias(input: $i) { alias } }', { i: { modelId } }, data)).errors![0]!.extensions!.code,
    ).toBe('FORBIDDEN');
    const rolled = await api.gql(
      'mutation($i: AliasRollbackInput!) { rollbackModelAlias(input: $i) { alias modelVersionId previousVersionId } }',
      { i: { modelId, comment: 'false alarms on LEJ-L2' } },
      approver,
    );
    expect(rolled.data!.rollbackModelAlias).toEqual({ alias: 'champion', modelVersionId: versions[1], previousVersionId: candidate });
    expect((await api.services.db.prisma.deployment.findFirstOrThrow({ where: { id: deploymentId } })).modelVersionId).toBe(versions[1]);

    const moves = await api.services.db.prisma.auditEvent.findMany({ where: { type: 'model_alias.moved', subjectId: modelId }, orderBy: { seq: 'asc' } });
    const [promotion, rollback] = moves.slice(-2).map((e) => e.payload as Record<string, any>);
    expect(promotion).toMatchObject({ alias: 'champion', from: versions[1], to: candidate, approvalId, candidate: { metrics: { auc: 0.97 } } });
    expect(rollback).toMatchObject({ alias: 'champion', from: candidate, to: versions[1], rollback: true, comment: 'false alarms on LEJ-L2' });
    const chain = await api.gql('{ verifyAuditChain { ok } }', {}, approver);
    expect(chain.data!.verifyAuditChain.ok).toBe(true);
  });

  it('retires only versions no alias names and no live deployment runs', async () => {
    const retire = (id: string) => api.gql('mutation($id: ID!) { retireModelVersion(id: $id) { id retiredAt } }', { id }, data);
    expect((await retire(versions[1]!)).errors![0]!.message).toMatch(/champion/);
    const done = await retire(versions[0]!);
    expect(done.data!.retireModelVersion.retiredAt).toBeTruthy();
    const deployRetired = await api.gql(
      'mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }',
      { i: { modelId, versionId: versions[0], edgeTargetId: cloudId } },
      data,
    );
    expect(deployRetired.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'versionId' } });
  });

  it('issues edge bundles that verify against the published key, and refuses tampered ones', async () => {
    const res = await api.gql('mutation($id: ID!) { issueEdgeBundle(deploymentId: $id) { fileName bundle } }', { id: deploymentId }, data);
    expect(res.errors).toBeUndefined();
    expect(res.data!.issueEdgeBundle.fileName).toMatch(/^cloud-inference-Spindle-risk-v2\.tlbundle\.json$/);
    const keys = await api.gql('{ modelSigningKeys { publicKey } }', {}, viewer);
    const trusted = new Map(
      keys.data!.modelSigningKeys.map((k: { publicKey: string }) => {
        const key = createPublicKey(k.publicKey);
        return [keyIdOf(key), key];
      }),
    );
    const bundle = res.data!.issueEdgeBundle.bundle;
    const verified = verifyBundle(bundle, trusted as never);
    expect(verified.ok && verified.manifest.version).toBe(2);
    const onnx = Buffer.from(bundle.onnx, 'base64');
    onnx[100] = onnx[100]! ^ 0xff;
    expect(verifyBundle({ ...bundle, onnx: onnx.toString('base64') }, trusted as never)).toMatchObject({ ok: false, reason: expect.stringMatching(/hash/) });
    expect(verifyBundle({ ...bundle, manifest: { ...bundle.manifest, threshold: 0.01 } }, trusted as never)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/manifest signature/),
    });
    expect(verifyBundle(bundle, new Map())).toMatchObject({ ok: false, reason: expect.stringMatching(/not trusted/) });
  });

  it('carries in the bundle the attributes of its assets that a categorical input reads', async () => {
    const categorical: FeatureSpec = {
      ...spec,
      categorical: [{ source: 'ASSET', name: 'model_number', categories: ['DMU 65 monoBLOCK', 'DMU 50'] }],
      reference: [...spec.reference, 0, 0],
    };
    const registered = await api.gql(
      'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id } }',
      {
        i: {
          modelId,
          onnx: Buffer.from(handMadeOnnx(categorical, [1, 1, 10, 10, 1, 1], [1, 0.5, 0.2, 0.1, 2, 0], 0)).toString('base64'),
          featureSpec: categorical,
          threshold: 0.7,
        },
      },
      data,
    );
    expect(registered.errors).toBeUndefined();
    const deployed = await api.gql(
      'mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }',
      { i: { modelId, versionId: registered.data!.registerModelVersion.id, edgeTargetId: cloudId, assetId, mode: 'SHADOW' } },
      data,
    );
    expect(deployed.errors).toBeUndefined();
    const res = await api.gql('mutation($id: ID!) { issueEdgeBundle(deploymentId: $id) { bundle } }', { id: deployed.data!.deployModel.id }, data);
    expect(res.errors).toBeUndefined();
    expect(res.data!.issueEdgeBundle.bundle.manifest.assetAttributes).toEqual({ 'LEJ-L1-CNC02': { model_number: 'DMU 65 monoBLOCK' } });
    await api.gql('mutation($id: ID!) { retireDeployment(id: $id) { id } }', { id: deployed.data!.deployModel.id }, data);
  });

  it('retires deployments into the history, and keeps everything to its tenant', async () => {
    const other = await createOtherOrganization(api, 'registry-other');
    const foreign = await api.gql('mutation($id: ID!) { retireDeployment(id: $id) { id } }', { id: deploymentId }, other.token);
    expect(foreign.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const res = await api.gql(
      'mutation($id: ID!) { retireDeployment(id: $id) { status retiredAt assignments { modelVersionId } } }',
      { id: deploymentId },
      data,
    );
    expect(res.data!.retireDeployment.status).toBe('RETIRED');
    expect(res.data!.retireDeployment.assignments.at(-1).modelVersionId).toBeNull();
    const now = await api.gql(
      'query($a: ID!, $t: DateTimeISO!) { modelAssignmentsAt(assetId: $a, at: $t) { modelVersionId } }',
      { a: assetId, t: new Date().toISOString() },
      viewer,
    );
    expect(now.data!.modelAssignmentsAt).toEqual([]);
    const again = await api.gql('mutation($id: ID!) { retireDeployment(id: $id) { id } }', { id: deploymentId }, data);
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
    // The app role may not rewrite history, and the trigger stops even the owner.
    expect(String(await api.services.db.pool.query("UPDATE model_assignments SET reason = 'rewritten'").catch((e: Error) => e))).toMatch(/permission denied/);
    const owner = new pg.Client({ connectionString: api.database.url });
    await owner.connect();
    expect(String(await owner.query('DELETE FROM model_assignments').catch((e: Error) => e))).toMatch(/append-only/);
    await owner.end();
  });
});
