// Scaling a use case through waves in GraphQL: the pilot's scope refuses a sixth asset and the
// anchor's a third line, with the reason and nothing written; a wave advances only through a
// request and another person's approval, never while a gate fails (even approved); the approval
// passes the wave, starts the next one and rolls the use case's model out to its scope; every
// step is in the audit trail.
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
const DAY = 86_400_000;
const WAVE =
  'query($id: ID!) { scalingWave(id: $id) { status startedAt endedAt coverage { assets lines sites } gates { passing lastValue } decisions { outcome } } }';
const SCOPE = 'mutation($i: WaveScopeInput!) { addWaveScope(input: $i) { coverage { assets lines sites } } }';
const REQUEST = 'mutation($i: WaveAdvanceRequestInput!) { requestWaveAdvance(input: $i) { id status subjectType subjectId } }';
const DECIDE = 'mutation($i: WaveAdvanceDecisionInput!) { decideWaveAdvance(input: $i) { outcome rationale gateResults decidedBy { email } } }';

describe('advancing scaling waves', () => {
  let api: ApiHarness;
  let approver: string;
  let admin: string;
  let data: string;
  let useCaseId: string;
  let kpiId: string;
  let pilotId: string;
  let anchorId: string;
  let deploymentId: string;
  let lej1: string[];
  let lines: Record<string, string>;

  const scopeRows = () => api.services.db.prisma.waveScopeItem.count();
  const measure = (value: number, daysAgo: number) =>
    api.gql(
      'mutation($i: KpiMeasurementInput!) { createKpiMeasurement(input: $i) { id } }',
      {
        i: { kpiId, measuredAt: new Date(Date.now() - daysAgo * DAY).toISOString(), value },
      },
      admin,
    );
  const scored = async () =>
    (
      (await api.gql('query($id: ID!) { deployment(id: $id) { assets { code } } }', { id: deploymentId }, data)).data!.deployment.assets as { code: string }[]
    ).map((a) => a.code);

  beforeAll(async () => {
    api = await startApi();
    approver = await api.login('approver@northwind.example');
    admin = await api.login('admin@northwind.example');
    data = await api.login('data@northwind.example');
    const prisma = api.services.db.prisma;
    const type = await prisma.assetType.findFirstOrThrow({ where: { name: 'CNC machining centre' } });
    lines = Object.fromEntries((await prisma.line.findMany()).map((l) => [l.code, l.id]));
    lej1 = (await prisma.asset.findMany({ where: { assetTypeId: type.id, lineId: lines['LEJ-L1'] }, orderBy: { code: 'asc' } })).map((a) => a.id);
    const now = Date.now();
    useCaseId = (await api.gql('mutation { createUseCase(input: { name: "Spindle wear in waves", kickoffAt: "2026-01-01T00:00:00Z" }) { id } }', {}, approver))
      .data!.createUseCase.id;
    kpiId = (
      await api.gql(
        'mutation($i: KpiInput!) { createKpi(input: $i) { id } }',
        {
          i: {
            useCaseId,
            name: 'Spindle availability',
            kind: 'UPTIME',
            unit: '%',
            direction: 'HIGHER_IS_BETTER',
            baseline: 95,
            target: 98,
            valuePerUnit: 1000,
          },
        },
        approver,
      )
    ).data!.createKpi.id;
    const wave = async (phase: string, months: number) =>
      (
        await api.gql(
          'mutation($i: ScalingWaveInput!) { createScalingWave(input: $i) { id } }',
          {
            i: { useCaseId, phase, name: phase, plannedStartAt: new Date(now).toISOString(), plannedEndAt: new Date(now + months * 30.4 * DAY).toISOString() },
          },
          approver,
        )
      ).data!.createScalingWave.id as string;
    pilotId = await wave('PILOT_AND_PROVE', 4);
    anchorId = await wave('ANCHOR_DEPLOYMENT', 8);
    await api.gql(
      'mutation($i: WaveGateInput!) { createWaveGate(input: $i) { id } }',
      { i: { waveId: pilotId, kpiId, threshold: 97, windowDays: 14 } },
      approver,
    );
    const modelId = (
      await api.gql(
        'mutation($i: ModelInput!) { createModel(input: $i) { id } }',
        { i: { name: 'Spindle wear', task: 'FAILURE_RISK', assetTypeId: type.id, useCaseId } },
        data,
      )
    ).data!.createModel.id;
    const versionId = (
      await api.gql(
        'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id } }',
        {
          i: { modelId, onnx: Buffer.from(handMadeOnnx(spec, [1], [1], 0)).toString('base64'), featureSpec: spec, threshold: 0.7 },
        },
        data,
      )
    ).data!.registerModelVersion.id;
    await api.gql('mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { alias } }', { i: { modelId, alias: 'champion', versionId } }, approver);
    const edgeTargetId = (await prisma.edgeTarget.findFirstOrThrow({ where: { name: 'cloud-inference' } })).id;
    deploymentId = (
      await api.gql('mutation($i: DeployModelInput!) { deployModel(input: $i) { id } }', { i: { modelId, alias: 'champion', edgeTargetId } }, data)
    ).data!.deployModel.id;
  });
  afterAll(async () => api?.close());

  it('scores every spindle until the use case has a wave scope', async () => {
    expect(await scored()).toHaveLength(15);
  });

  it('keeps a pilot to five assets: the sixth is refused with the reason and nothing is written', async () => {
    const first = await api.gql(SCOPE, { i: { waveId: pilotId, assetIds: lej1.slice(0, 5) } }, approver);
    expect(first.data!.addWaveScope.coverage).toEqual({ assets: 5, lines: 1, sites: 1 });
    // Scoped but not started: the model waits for the pilot.
    expect(await scored()).toEqual([]);
    const before = await scopeRows();
    const sixth = await api.gql(SCOPE, { i: { waveId: pilotId, assetIds: [lej1[5]] } }, approver);
    expect(sixth.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(sixth.errors![0]!.extensions!.details).toEqual({ field: 'assetIds' });
    expect(sixth.errors![0]!.message).toBe('The PILOT_AND_PROVE wave "PILOT_AND_PROVE" may cover at most 5 assets; with this change its scope would cover 6.');
    // A line counts every asset on it.
    const line = await api.gql(SCOPE, { i: { waveId: pilotId, lineIds: [lines['LEJ-L2']] } }, approver);
    expect(line.errors![0]!.message).toMatch(/at most 5 assets; with this change its scope would cover 1\d\./);
    expect(await scopeRows()).toBe(before);
  });

  it("keeps an anchor to two lines and refuses what is not the organisation's", async () => {
    expect(
      (await api.gql(SCOPE, { i: { waveId: anchorId, lineIds: [lines['LEJ-L1'], lines['LEJ-L2']] } }, approver)).data!.addWaveScope.coverage,
    ).toMatchObject({ lines: 2, sites: 1 });
    const third = await api.gql(SCOPE, { i: { waveId: anchorId, lineIds: [lines['BRQ-L1']] } }, approver);
    expect(third.errors![0]!.message).toMatch(/may cover at most 2 lines; with this change its scope would cover 3\./);
    const stranger = await api.gql(SCOPE, { i: { waveId: anchorId, assetIds: ['00000000-0000-4000-8000-000000000001'] } }, approver);
    expect(stranger.errors![0]!.extensions!).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'assetIds' } });
  });

  it('starts a wave by hand, telling the inference dispatchers, but never passes one by hand', async () => {
    const listener = await api.services.db.pool.connect();
    const notices: string[] = [];
    listener.on('notification', (n) => notices.push(n.payload ?? ''));
    await listener.query('LISTEN deployments_changed');
    try {
      const started = await api.gql(
        'mutation($id: ID!) { updateScalingWave(id: $id, input: { status: ACTIVE }) { status startedAt } }',
        { id: pilotId },
        approver,
      );
      expect(started.data!.updateScalingWave.status).toBe('ACTIVE');
      await expect
        .poll(() => notices, { timeout: 30_000 })
        .toContain((await api.services.db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id);
    } finally {
      await listener.query('UNLISTEN deployments_changed');
      listener.release();
    }
    expect(await scored()).toHaveLength(5);
    const passed = await api.gql('mutation($id: ID!) { updateScalingWave(id: $id, input: { status: PASSED }) { status } }', { id: pilotId }, approver);
    expect(passed.errors![0]!.extensions!).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'status' } });
  });

  it('cannot advance while a gate fails, even with an approval; a rejection holds the wave', async () => {
    await measure(96, 3);
    await measure(96.6, 1);
    const request = await api.gql(REQUEST, { i: { waveId: pilotId, rationale: 'Pilot looks good.' } }, approver);
    expect(request.data!.requestWaveAdvance).toMatchObject({ status: 'PENDING', subjectType: 'GATE_DECISION', subjectId: pilotId });
    const approvalId = request.data!.requestWaveAdvance.id;
    expect((await api.gql(WAVE, { id: pilotId }, approver)).data!.scalingWave).toMatchObject({
      status: 'GATE_REVIEW',
      gates: [{ passing: false, lastValue: 96.3 }],
    });

    const own = await api.gql(DECIDE, { i: { approvalId, approve: true } }, approver);
    expect(own.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const refused = await api.gql(DECIDE, { i: { approvalId, approve: true, comment: 'Approved anyway' } }, admin);
    expect(refused.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(refused.errors![0]!.message).toBe(
      'The wave cannot advance while a gate fails, even with an approval: Spindle availability: 14-day average 96.3 % is below the threshold 97.',
    );
    expect((await api.gql(WAVE, { id: pilotId }, approver)).data!.scalingWave).toMatchObject({ status: 'GATE_REVIEW', decisions: [] });
    expect((await api.services.db.prisma.approval.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe('PENDING');
    expect(await scored()).toHaveLength(5);

    const held = await api.gql(DECIDE, { i: { approvalId, approve: false, comment: 'Wait for two more weeks of data.' } }, admin);
    expect(held.data!.decideWaveAdvance).toMatchObject({
      outcome: 'HOLD',
      rationale: 'Wait for two more weeks of data.',
      decidedBy: { email: 'admin@northwind.example' },
    });
    expect((await api.gql(WAVE, { id: pilotId }, approver)).data!.scalingWave).toMatchObject({ status: 'ACTIVE', decisions: [{ outcome: 'HOLD' }] });
  });

  it("advances with passing gates and an approval, rolling the model out to the anchor's lines, all audited", async () => {
    await measure(98.4, 0.5);
    await measure(98.9, 0.2);
    const request = await api.gql(REQUEST, { i: { waveId: pilotId, rationale: 'Availability above 97 % for two weeks.' } }, approver);
    const approvalId = request.data!.requestWaveAdvance.id;
    const decided = await api.gql(DECIDE, { i: { approvalId, approve: true } }, admin);
    expect(decided.errors).toBeUndefined();
    expect(decided.data!.decideWaveAdvance.outcome).toBe('ADVANCE');
    expect(decided.data!.decideWaveAdvance.gateResults).toEqual([
      expect.objectContaining({ kpi: 'Spindle availability', value: (96 + 96.6 + 98.4 + 98.9) / 4, passing: true, measurements: 4 }),
    ]);
    const pilot = (await api.gql(WAVE, { id: pilotId }, approver)).data!.scalingWave;
    expect(pilot.status).toBe('PASSED');
    expect(pilot.endedAt).not.toBeNull();
    const anchor = (await api.gql(WAVE, { id: anchorId }, approver)).data!.scalingWave;
    expect(anchor).toMatchObject({ status: 'ACTIVE', coverage: { assets: 21, lines: 2, sites: 1 } });
    expect(anchor.startedAt).not.toBeNull();
    const codes = await scored();
    expect(codes).toHaveLength(11);
    expect(codes.every((c) => c.startsWith('LEJ-'))).toBe(true);

    const events = await api.services.db.prisma.auditEvent.findMany({
      where: { type: { in: ['approval.updated', 'gate_decision.created', 'scaling_wave.updated'] } },
      orderBy: { seq: 'asc' },
    });
    const decision = events.find((e) => e.type === 'gate_decision.created' && (e.payload as { outcome: string }).outcome === 'ADVANCE')!;
    expect(decision.actorLabel).toBe('admin@northwind.example');
    expect(decision.payload).toMatchObject({ waveId: pilotId, approvalId, nextWaveId: anchorId, rollout: { assetsBefore: 5, assetsAfter: 11 } });
    expect(events.filter((e) => e.type === 'scaling_wave.updated').map((e) => (e.payload as { status: string[] }).status)).toEqual(
      expect.arrayContaining([
        ['ACTIVE', 'GATE_REVIEW'],
        ['GATE_REVIEW', 'PASSED'],
        ['PLANNED', 'ACTIVE'],
      ]),
    );
    expect((await api.gql('{ verifyAuditChain { ok } }', {}, approver)).data!.verifyAuditChain.ok).toBe(true);
  });

  it("refuses to reopen a passed wave's scope", async () => {
    const res = await api.gql(SCOPE, { i: { waveId: pilotId, assetIds: [lej1[5]] } }, approver);
    expect(res.errors![0]!.extensions!).toMatchObject({ code: 'CONFLICT', details: { field: 'waveId' } });
  });
});
