// The portfolio through GraphQL, in an organisation of its own, on hand-worked figures: portfolio
// ROI added up by calendar month with its payback and NPV, the ranking with each factor's points,
// MTTI and MTTA with percentiles over a period, KPI computations checked before they are stored,
// a recompute on demand, and the portfolio served from the stored snapshots while they were made
// from the current inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

describe('the portfolio in GraphQL', () => {
  let api: ApiHarness;
  let admin: string;
  let organizationId: string;
  const ids: Record<string, string> = {};

  const create = async (type: string, input: object) => {
    const res = await api.gql(`mutation($i: ${type}Input!) { create${type}(input: $i) { id } }`, { i: input }, admin);
    expect(res.errors).toBeUndefined();
    return Object.values(res.data!)[0].id as string;
  };

  beforeAll(async () => {
    api = await startApi();
    ({ organizationId, token: admin } = await createOtherOrganization(api, 'portfolio'));
    // A: 15,000 a month from month 1 for 60,000 once and 3,000 a month; B: 10,000 a month for 12,000 a month.
    ids.a = await create('UseCase', {
      name: 'A spindles',
      kickoffAt: '2026-01-01T00:00:00Z',
      discountRateAnnual: 0.12,
      dataReadiness: 0.8,
      stakeholderAlignment: 0.9,
      riskLevel: 'LOW',
    });
    ids.b = await create('UseCase', {
      name: 'B ovens',
      kickoffAt: '2026-03-01T00:00:00Z',
      discountRateAnnual: 0.12,
      dataReadiness: 0.5,
      stakeholderAlignment: 0.5,
      riskLevel: 'HIGH',
    });
    ids.c = await create('UseCase', { name: 'C vision', dataReadiness: 1, stakeholderAlignment: 1, riskLevel: 'MEDIUM' });
    await create('Kpi', { useCaseId: ids.a, name: 'Downtime', unit: 'h/month', direction: 'LOWER_IS_BETTER', baseline: 40, target: 25, valuePerUnit: 1000 });
    await create('Kpi', { useCaseId: ids.b, name: 'Yield', unit: '%', direction: 'HIGHER_IS_BETTER', baseline: 70, target: 75, valuePerUnit: 2000 });
    await create('CostItem', { useCaseId: ids.a, name: 'Sensors', kind: 'ONE_TIME', amount: 60000, startsAt: '2025-12-15T00:00:00Z' });
    await create('CostItem', { useCaseId: ids.a, name: 'Support', kind: 'MONTHLY', amount: 3000, startsAt: '2026-01-01T00:00:00Z' });
    await create('CostItem', { useCaseId: ids.b, name: 'Team', kind: 'MONTHLY', amount: 12000, startsAt: '2026-03-01T00:00:00Z' });
  });
  afterAll(async () => api?.close());

  it('adds the use cases up by calendar month: ROI, payback month and NPV', async () => {
    const res = await api.gql(
      '{ portfolioRoi(basis: PROJECTED, months: 12) { cumulativeBenefit cumulativeCost roi npv paybackMonth months { month cumulativeBenefit cumulativeCost } useCases { useCase { name } roi paybackMonth } } }',
      {},
      admin,
    );
    expect(res.errors).toBeUndefined();
    const p = res.data!.portfolioRoi;
    expect(p).toMatchObject({ cumulativeBenefit: 300_000, cumulativeCost: 240_000, roi: 0.25, paybackMonth: '2026-06' });
    // Jan 15/63, Feb 30/66, Mar 55/81, Apr 80/96, May 105/111, Jun 130/126 (thousands): payback in June.
    expect(
      p.months.slice(0, 6).map((m: { cumulativeBenefit: number; cumulativeCost: number }) => [m.cumulativeBenefit / 1000, m.cumulativeCost / 1000]),
    ).toEqual([
      [15, 63],
      [30, 66],
      [55, 81],
      [80, 96],
      [105, 111],
      [130, 126],
    ]);
    expect(p.months.map((m: { month: string }) => m.month).at(-1)).toBe('2027-02');
    let npv = 0;
    for (let m = 1; m <= 12; m += 1) npv += (15_000 - (m === 1 ? 63_000 : 3_000)) / 1.01 ** m + (10_000 - 12_000) / 1.01 ** m;
    expect(p.npv).toBeCloseTo(npv, 6);
    expect(p.useCases).toEqual([
      { useCase: { name: 'A spindles' }, roi: 84 / 96, paybackMonth: 5 },
      { useCase: { name: 'B ovens' }, roi: -24 / 144, paybackMonth: null },
    ]);
  });

  it("ranks use cases by the documented score and shows each factor's points", async () => {
    const res = await api.gql('{ useCaseRanking { rank score useCase { name } factors { factor input normalised weight points } } }', {}, admin);
    expect(res.errors).toBeUndefined();
    const ranking = res.data!.useCaseRanking;
    expect(ranking.map((r: { rank: number; useCase: { name: string } }) => [r.rank, r.useCase.name])).toEqual([
      [1, 'A spindles'],
      [2, 'C vision'],
      [3, 'B ovens'],
    ]);
    // A over 36 months: ROI (540 − 168) / 168 = 2.2143 → 2.2143 / 3.2143 = 0.6889; 40·0.6889 + 25·0.8 + 20·0.9 + 15·1.
    const roiA = (540 - 168) / 168;
    expect(ranking[0].score).toBeCloseTo((40 * roiA) / (1 + roiA) + 20 + 18 + 15, 9);
    expect(ranking[0].factors[0]).toMatchObject({ factor: 'PROJECTED_ROI', input: 'projected ROI 2.21', weight: 0.4 });
    // C has nothing to project from; B loses money: both get no ROI points.
    expect(ranking[1]).toMatchObject({
      score: 52.5,
      factors: [
        { factor: 'PROJECTED_ROI', input: 'no cost or target to project from', points: 0 },
        { points: 25 },
        { points: 20 },
        { factor: 'RISK', input: 'risk MEDIUM', points: 7.5 },
      ],
    });
    expect(ranking[2].score).toBe(22.5);
  });

  it('gives MTTI with p50 and p95 and MTTA apart, over the insights raised in a period', async () => {
    const prisma = api.services.db.prisma;
    const site = await prisma.site.create({ data: { organizationId, code: 'S', name: 'Site' } });
    const line = await prisma.line.create({ data: { organizationId, siteId: site.id, code: 'L', name: 'Line' } });
    const type = await prisma.assetType.create({ data: { organizationId, name: 'Oven' } });
    const asset = await prisma.asset.create({ data: { organizationId, lineId: line.id, assetTypeId: type.id, code: 'OV1', name: 'Oven 1' } });
    const t0 = Date.parse('2026-05-01T00:00:00Z');
    // Times to insight 10, 20, 30 and 100 s; two acknowledged after 60 and 120 s; one raised outside the period.
    const rows = [
      [10, 60],
      [20, 120],
      [30, null],
      [100, null],
      [5, null],
    ].map(([tti, tta], i) => {
      const received = new Date(t0 + i * 3_600_000 + (i === 4 ? 40 * 86_400_000 : 0));
      const raised = new Date(received.getTime() + tti! * 1000);
      return {
        organizationId,
        assetId: asset.id,
        useCaseId: ids.b!,
        kind: 'ANOMALY' as const,
        severity: 'WARNING' as const,
        title: `i${i}`,
        evidenceStartAt: received,
        evidenceEndAt: received,
        evidenceReceivedAt: received,
        raisedAt: raised,
        acknowledgedAt: tta === null ? null : new Date(raised.getTime() + tta! * 1000),
      };
    });
    await prisma.insight.createMany({ data: rows });
    const res = await api.gql(
      `query($id: ID!) { useCase(id: $id) { insightTimings(from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
      insights mtti { count meanSeconds p50Seconds p95Seconds } mtta { count meanSeconds p50Seconds p95Seconds unacknowledged } } } }`,
      { id: ids.b },
      admin,
    );
    expect(res.errors).toBeUndefined();
    const timings = res.data!.useCase.insightTimings;
    expect(timings).toMatchObject({
      insights: 4,
      mtti: { count: 4, meanSeconds: 40, p50Seconds: 25 },
      mtta: { count: 2, meanSeconds: 90, p50Seconds: 90, unacknowledged: 2 },
    });
    // Continuous percentiles: rank (n − 1) · 0.95 interpolated between the closest values.
    expect(timings.mtti.p95Seconds).toBeCloseTo(30 + 0.85 * 70, 9);
    expect(timings.mtta.p95Seconds).toBeCloseTo(60 + 0.95 * 60, 9);
    // Listed together (one statement for the page), each use case keeps its own figures.
    const listed = await api.gql(
      '{ useCases(first: 100) { nodes { id insightTimings(from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { insights mtti { meanSeconds } } } } }',
      {},
      admin,
    );
    const byId = new Map(listed.data!.useCases.nodes.map((n: { id: string; insightTimings: unknown }) => [n.id, n.insightTimings]));
    expect(byId.get(ids.b)).toEqual({ insights: 4, mtti: { meanSeconds: 40 } });
    expect(byId.get(ids.a)).toEqual({ insights: 0, mtti: { meanSeconds: null } });
    const bad = await api.gql(
      'query($id: ID!) { useCase(id: $id) { insightTimings(from: "2026-06-01T00:00:00Z", to: "2026-05-01T00:00:00Z") { insights } } }',
      { id: ids.b },
      admin,
    );
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'from' } });
  });

  it('checks a KPI computation before storing it, and recomputes on demand', async () => {
    const kpi = (computation: object, kind = 'OEE') =>
      api.gql(
        'mutation($i: KpiInput!) { createKpi(input: $i) { id computation } }',
        {
          i: {
            useCaseId: ids.c,
            name: `K ${JSON.stringify(computation).length}${kind}`,
            kind,
            unit: '%',
            direction: 'HIGHER_IS_BETTER',
            baseline: 90,
            computation,
          },
        },
        admin,
      );
    const missing = await kpi({ kind: 'OEE', scope: {} });
    expect(missing.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'computation' } });
    expect(missing.errors![0]!.message).toMatch(/countSignal/);
    const mismatch = await kpi({ kind: 'UPTIME', scope: {} }, 'OEE');
    expect(mismatch.errors![0]!.message).toBe('A UPTIME computation belongs to a KPI of kind UPTIME, not OEE.');
    const stranger = await kpi(
      {
        kind: 'DETECTOR_VALUE',
        scope: {},
        modelId: '00000000-0000-4000-8000-000000000001',
        valuePerTruePositive: 1,
        costPerFalsePositive: 1,
        costPerMissed: 1,
      },
      'DETECTOR_VALUE',
    );
    expect(stranger.errors![0]!.message).toMatch(/computation\.modelId: model .* does not exist/);
    const uptime = await kpi({ kind: 'UPTIME', scope: {} }, 'UPTIME');
    expect(uptime.data!.createKpi.computation).toEqual({ kind: 'UPTIME', scope: { assetIds: [], lineIds: [], siteIds: [] } });

    // C has no kickoff: its computed KPI is backfilled 90 days (the oven had no incidents: 100 %).
    const res = await api.gql('mutation { recomputeBusinessValue { measurementsChanged gatesEvaluated firstValues snapshots } }', {}, admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.recomputeBusinessValue).toEqual({ measurementsChanged: 90, gatesEvaluated: 0, firstValues: 0, snapshots: 4 });
    const values = await api.services.db.prisma.kpiMeasurement.findMany({ where: { kpiId: uptime.data!.createKpi.id } });
    expect(new Set(values.map((v) => `${v.value} ${v.source}`))).toEqual(new Set(['100 COMPUTED']));
  });

  it('serves the portfolio from the stored ROI snapshots while they were made from the current inputs, and afresh once an input changes', async () => {
    const fields =
      'asOf roi npv cumulativeBenefit cumulativeCost paybackMonth months { month benefit cost } useCases { useCase { name } roi npv paybackMonth }';
    const portfolio = async (args: string) => {
      const res = await api.gql(`{ p: portfolioRoi(${args}) { ${fields} } }`, {}, admin);
      expect(res.errors).toBeUndefined();
      const { asOf, ...figures } = res.data!.p;
      return { asOf: new Date(asOf), figures };
    };
    // The previous test's recompute stored snapshots of A and B; an explicit horizon is computed afresh.
    for (const basis of ['PROJECTED', 'REALISED']) {
      const before = new Date();
      const stored = await portfolio(`basis: ${basis}`);
      expect(stored.asOf.getTime()).toBeLessThan(before.getTime());
      if (basis === 'PROJECTED') expect(stored.figures).toEqual((await portfolio('basis: PROJECTED, months: 36')).figures);
    }
    const cost = await portfolio('basis: PROJECTED');
    await create('CostItem', { useCaseId: ids.a, name: 'Retrofit', kind: 'ONE_TIME', amount: 5000, startsAt: '2026-02-01T00:00:00Z' });
    // A's snapshot is stale now: A is computed afresh (B is still served from its snapshot, so asOf stays B's).
    const fresh = await portfolio('basis: PROJECTED');
    expect(fresh.figures.cumulativeCost).toBeCloseTo(cost.figures.cumulativeCost + 5000, 6);
    // A recompute stores A's new figures, which are served from then on.
    expect((await api.gql('mutation { recomputeBusinessValue { snapshots } }', {}, admin)).errors).toBeUndefined();
    const after = new Date();
    const restored = await portfolio('basis: PROJECTED');
    expect(restored.asOf.getTime()).toBeLessThan(after.getTime());
    expect(restored.figures).toEqual(fresh.figures);
  });
});
