// UseCase.roi through GraphQL on the hand-worked example of prisma/src/value/roi.test.ts: a use case
// built with the API's own mutations shows projected payback in month 5, ROI 0.875 and NPV
// 75,655.03 after 12 months, the KPIs and cost items behind them, and realised figures from
// measurements; no kickoff gives no figures, a bad horizon a coded error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const ROI = `query($id: ID!, $basis: RoiBasis!, $months: Int) { useCase(id: $id) { roi(basis: $basis, months: $months) {
  basis monthlyBenefit cumulativeBenefit cumulativeCost roi paybackMonth npv months { month benefit cost } kpis { name improvement benefitPerMonth note } costs { name total } } } }`;

describe('use-case ROI in GraphQL', () => {
  let api: ApiHarness;
  let admin: string;
  let useCaseId: string;
  let kpiId: string;

  const create = async (mutation: string, input: object) => {
    const res = await api.gql(
      `mutation($i: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { create${mutation[0]!.toUpperCase()}${mutation.slice(1)}(input: $i) { id } }`,
      { i: input },
      admin,
    );
    expect(res.errors).toBeUndefined();
    return Object.values(res.data!)[0].id as string;
  };

  beforeAll(async () => {
    api = await startApi();
    admin = await api.login('admin@northwind.example');
    useCaseId = await create('useCase', { name: 'Spindle downtime (worked example)', kickoffAt: '2026-01-01T00:00:00Z', discountRateAnnual: 0.12 });
    kpiId = await create('kpi', {
      useCaseId,
      name: 'Unplanned downtime',
      unit: 'h/month',
      direction: 'LOWER_IS_BETTER',
      baseline: 40,
      target: 25,
      valuePerUnit: 1000,
    });
    await create('costItem', { useCaseId, name: 'Sensors and integration', kind: 'ONE_TIME', amount: 60000, startsAt: '2025-12-15T00:00:00Z' });
    await create('costItem', { useCaseId, name: 'Cloud and support', kind: 'MONTHLY', amount: 3000, startsAt: '2026-01-01T00:00:00Z' });
  });
  afterAll(async () => api?.close());

  it('projects from targets as worked by hand', async () => {
    const res = await api.gql(ROI, { id: useCaseId, basis: 'PROJECTED', months: 12 }, admin);
    expect(res.errors).toBeUndefined();
    const roi = res.data!.useCase.roi;
    expect(roi).toMatchObject({ basis: 'PROJECTED', monthlyBenefit: 15000, cumulativeBenefit: 180000, cumulativeCost: 96000, paybackMonth: 5 });
    expect(roi.roi).toBeCloseTo(0.875, 12);
    expect(roi.npv).toBeCloseTo(75655.03, 1);
    expect(roi.months).toHaveLength(12);
    expect(roi.kpis).toEqual([{ name: 'Unplanned downtime', improvement: 15, benefitPerMonth: 15000, note: null }]);
    expect(roi.costs).toEqual([
      { name: 'Sensors and integration', total: 60000 },
      { name: 'Cloud and support', total: 36000 },
    ]);
    expect((await api.gql(ROI, { id: useCaseId, basis: 'PROJECTED' }, admin)).data!.useCase.roi.months).toHaveLength(36);
  });

  it('realises from measurements, month by month to now', async () => {
    await create('kpiMeasurement', { kpiId, measuredAt: '2026-01-20T00:00:00Z', value: 34 });
    const res = await api.gql(ROI, { id: useCaseId, basis: 'REALISED', months: 2 }, admin);
    // Month 1: 40 − 34 = 6 h at 1,000 €; month 2's 30-day window (30 Jan – 1 Mar) holds no measurement.
    expect(res.data!.useCase.roi.months).toEqual([
      { month: 1, benefit: 6000, cost: 63000 },
      { month: 2, benefit: 0, cost: 3000 },
    ]);
    const toNow = await api.gql(ROI, { id: useCaseId, basis: 'REALISED' }, admin);
    expect(toNow.data!.useCase.roi.months.length).toBeGreaterThanOrEqual(11);
    expect(toNow.data!.useCase.roi.kpis[0].note).toBe('no measurement in the last 30 days');
  });

  it("lists each KPI's measurements oldest first, for its chart, in the same request", async () => {
    await create('kpiMeasurement', { kpiId, measuredAt: '2026-01-10T00:00:00Z', value: 37 });
    const res = await api.gql('query($id: ID!) { useCase(id: $id) { kpis { name measurements { measuredAt value source } } } }', { id: useCaseId }, admin);
    expect(res.data!.useCase.kpis).toEqual([
      {
        name: 'Unplanned downtime',
        measurements: [
          { measuredAt: '2026-01-10T00:00:00.000Z', value: 37, source: 'MANUAL' },
          { measuredAt: '2026-01-20T00:00:00.000Z', value: 34, source: 'MANUAL' },
        ],
      },
    ]);
  });

  it('costs a fixed number of statements for a whole list of use cases', async () => {
    const query = '{ useCases { nodes { name projected: roi(basis: PROJECTED) { roi } realised: roi(basis: REALISED) { roi } } } }';
    let useCases = 0;
    const statements = await api.countStatements(async () => {
      const res = await api.gql(query, {}, admin);
      expect(res.errors).toBeUndefined();
      useCases = res.data!.useCases.nodes.filter((u: { projected: unknown }) => u.projected).length;
    });
    expect(useCases).toBeGreaterThanOrEqual(4);
    // auth (1) + page and count (2) + KPIs, cost items, measurements (1 each)
    expect(statements).toBeLessThanOrEqual(6);
  });

  it('gives no figures before kickoff and refuses a bad horizon', async () => {
    const planned = await create('useCase', { name: 'Not started' });
    expect((await api.gql(ROI, { id: planned, basis: 'PROJECTED' }, admin)).data!.useCase.roi).toBeNull();
    const bad = await api.gql(ROI, { id: useCaseId, basis: 'PROJECTED', months: 0 }, admin);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'months' } });
  });
});
