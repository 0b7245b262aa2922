// Use cases, KPIs, costs and waves through the API: the phase policies and the data model's rules
// refuse bad plans with a reason, and nothing is written when they do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const MONTH = 30 * 86_400_000;
const at = (months: number) => new Date(Date.UTC(2027, 0, 1) + months * MONTH).toISOString();

describe('use cases and scaling waves', () => {
  let api: ApiHarness;
  let approver: string;
  let useCaseId: string;

  const writes = async () => ({
    waves: await api.services.db.prisma.scalingWave.count(),
    costs: await api.services.db.prisma.costItem.count(),
    audit: await api.services.db.prisma.auditEvent.count(),
  });

  beforeAll(async () => {
    api = await startApi();
    approver = await api.login('approver@northwind.example');
    const res = await api.gql(
      'mutation { createUseCase(input: { name: "Chiller fouling detection", dataReadiness: 0.5, stakeholderAlignment: 0.7, riskLevel: LOW }) { id status riskLevel } }',
      {},
      approver,
    );
    expect(res.data!.createUseCase).toMatchObject({ status: 'PROPOSED', riskLevel: 'LOW' });
    useCaseId = res.data!.createUseCase.id;
  });
  afterAll(async () => api?.close());

  it('creates a pilot wave with the Pilot & Prove limits of at most 5 assets', async () => {
    const res = await api.gql(
      'mutation($i: ScalingWaveInput!) { createScalingWave(input: $i) { phase status maxAssets maxLines useCase { name } } }',
      {
        i: { useCaseId, phase: 'PILOT_AND_PROVE', name: 'Pilot on two chillers', plannedStartAt: at(0), plannedEndAt: at(4) },
      },
      approver,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.createScalingWave).toEqual({
      phase: 'PILOT_AND_PROVE',
      status: 'PLANNED',
      maxAssets: 5,
      maxLines: null,
      useCase: { name: 'Chiller fouling detection' },
    });
  });

  it('refuses a pilot planned for longer than 6 months, or looser than its policy, and writes nothing', async () => {
    const before = await writes();
    const long = await api.gql(
      'mutation($i: ScalingWaveInput!) { createScalingWave(input: $i) { id } }',
      {
        i: { useCaseId, phase: 'ANCHOR_DEPLOYMENT', name: 'Too long anchor', plannedStartAt: at(0), plannedEndAt: at(20) },
      },
      approver,
    );
    expect(long.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(long.errors![0]!.message).toMatch(/ANCHOR_DEPLOYMENT wave runs 6-12 months; this plan runs 19\.\d/);
    const loose = await api.gql(
      'mutation($i: ScalingWaveInput!) { createScalingWave(input: $i) { id } }',
      {
        i: { useCaseId, phase: 'ANCHOR_DEPLOYMENT', name: 'Three lines', plannedStartAt: at(0), plannedEndAt: at(8), maxLines: 3 },
      },
      approver,
    );
    expect(loose.errors![0]!.message).toBe('maxLines may not exceed the ANCHOR_DEPLOYMENT policy of 2.');
    expect(await writes()).toEqual(before);
  });

  it('refuses a second wave of the same phase for a use case with CONFLICT', async () => {
    const res = await api.gql(
      'mutation($i: ScalingWaveInput!) { createScalingWave(input: $i) { id } }',
      {
        i: { useCaseId, phase: 'PILOT_AND_PROVE', name: 'Another pilot', plannedStartAt: at(0), plannedEndAt: at(4) },
      },
      approver,
    );
    expect(res.errors![0]!.extensions!.code).toBe('CONFLICT');
  });

  it('refuses a cost that ends before it starts, by the database rule, and writes nothing', async () => {
    const before = await writes();
    const res = await api.gql(
      'mutation($i: CostItemInput!) { createCostItem(input: $i) { id } }',
      {
        i: { useCaseId, name: 'Sensors', kind: 'ONE_TIME', category: 'HARDWARE', amount: 1000, startsAt: at(2), endsAt: at(1) },
      },
      approver,
    );
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toBe('The values break a rule: endsAt is on or after startsAt.');
    expect(res.errors![0]!.extensions!.details).toEqual({ constraint: 'cost_items_period_check' });
    expect(await writes()).toEqual(before);
  });

  it('adds KPIs and costs that the use case then shows', async () => {
    const kpi = await api.gql(
      'mutation($i: KpiInput!) { createKpi(input: $i) { id } }',
      {
        i: {
          useCaseId,
          name: 'Chiller energy',
          kind: 'ENERGY_COST',
          unit: 'EUR/month',
          direction: 'LOWER_IS_BETTER',
          baseline: 9000,
          target: 7700,
          valuePerUnit: 1,
        },
      },
      approver,
    );
    expect(kpi.errors).toBeUndefined();
    await api.gql(
      'mutation($i: CostItemInput!) { createCostItem(input: $i) { id } }',
      {
        i: { useCaseId, name: 'Analytics', kind: 'MONTHLY', category: 'SOFTWARE', amount: 400, startsAt: at(0) },
      },
      approver,
    );
    const res = await api.gql(
      'query($id: ID!) { useCase(id: $id) { kpis { name baseline target direction } costItems { name kind amount } waves { phase } } }',
      { id: useCaseId },
      approver,
    );
    expect(res.data!.useCase).toEqual({
      kpis: [{ name: 'Chiller energy', baseline: 9000, target: 7700, direction: 'LOWER_IS_BETTER' }],
      costItems: [{ name: 'Analytics', kind: 'MONTHLY', amount: 400 }],
      waves: [{ phase: 'PILOT_AND_PROVE' }],
    });
  });

  it('lets an engineer record a KPI measurement but not change the business case', async () => {
    const engineer = await api.login('engineer@northwind.example');
    const kpiId = (await api.services.db.prisma.kpi.findFirstOrThrow({ where: { useCaseId } })).id;
    const measured = await api.gql(
      'mutation($i: KpiMeasurementInput!) { createKpiMeasurement(input: $i) { value source kpi { name } } }',
      {
        i: { kpiId, measuredAt: at(1), value: 8800 },
      },
      engineer,
    );
    expect(measured.data!.createKpiMeasurement).toEqual({ value: 8800, source: 'MANUAL', kpi: { name: 'Chiller energy' } });
    const refused = await api.gql('mutation($id: ID!) { updateKpi(id: $id, input: { target: 1 }) { id } }', { id: kpiId }, engineer);
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});
