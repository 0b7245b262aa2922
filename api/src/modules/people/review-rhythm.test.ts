// The review rhythm and the people side of the programme through GraphQL, in an organisation of
// its own: the scheduler keeps one review ahead per subject at its cadence and marks reviews not
// held within a week as missed; holding a review records findings with owners and a maturity
// review's scores for every dimension; key results read progress from their KPI; certifications
// say when they expire; squads name the roles they lack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSql } from '@threadline/db/sql';
import { scheduleReviews } from '@threadline/db/people/review-rhythm';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const DAY = 86_400_000;
const REVIEWS = '{ reviews(first: 20) { nodes { id kind status dueAt owner { email } useCase { name } maturityLevel findings maturity } } }';

describe('the programme rhythm', () => {
  let api: ApiHarness;
  let admin: string;
  let organizationId: string;
  let adminId: string;
  const now = new Date('2026-12-01T09:00:00Z');
  const reviews = async () =>
    (await api.gql(REVIEWS, {}, admin)).data!.reviews.nodes as {
      id: string;
      kind: string;
      status: string;
      dueAt: string;
      owner: { email: string } | null;
      useCase: { name: string } | null;
      maturityLevel: number | null;
    }[];

  beforeAll(async () => {
    api = await startApi();
    ({ organizationId, token: admin } = await createOtherOrganization(api, 'rhythm'));
    const prisma = api.services.db.prisma;
    adminId = (await prisma.user.findFirstOrThrow({ where: { organizationId } })).id;
    const useCase = await prisma.useCase.create({ data: { organizationId, name: 'Kiln failures', status: 'ACTIVE', ownerId: adminId } });
    await prisma.model.create({ data: { organizationId, name: 'Kiln risk', task: 'FAILURE_RISK', useCaseId: useCase.id } });
    await prisma.useCase.create({ data: { organizationId, name: 'No model yet', status: 'ACTIVE' } });
    // Its one plant is in Japan: reviews fall due at the start of a Tokyo day (15:00 UTC the day before).
    await prisma.site.create({ data: { organizationId, code: 'NGO', name: 'Nagoya works', timezone: 'Asia/Tokyo' } });
  });
  afterAll(async () => api?.close());

  const schedule = (at: Date) => api.services.db.prisma.$transaction((tx) => scheduleReviews(tx as unknown as RawSql, organizationId, at));

  it('schedules model performance every two weeks per use case with a model, infrastructure quarterly and maturity yearly, once', async () => {
    expect(await schedule(now)).toEqual({ created: 3, missed: 0 });
    const due = Object.fromEntries((await reviews()).map((r) => [r.kind, [r.dueAt, r.useCase?.name ?? null, r.owner?.email ?? null]]));
    expect(due).toEqual({
      MODEL_PERFORMANCE: ['2026-12-14T15:00:00.000Z', 'Kiln failures', 'admin@rhythm.example'],
      INFRA_HEALTH: ['2027-02-28T15:00:00.000Z', null, 'admin@rhythm.example'],
      // Nobody holds the approver role here: the review waits for an owner.
      MATURITY: ['2027-11-30T15:00:00.000Z', null, null],
    });
    expect(await schedule(now)).toEqual({ created: 0, missed: 0 });
  });

  it('marks a review not held a week of plant-local days after its due date as missed and schedules the next', async () => {
    expect(await schedule(new Date(now.getTime() + 22 * DAY))).toEqual({ created: 1, missed: 1 });
    const model = (await reviews()).filter((r) => r.kind === 'MODEL_PERFORMANCE').map((r) => [r.status, r.dueAt]);
    expect(model).toEqual([
      ['MISSED', '2026-12-14T15:00:00.000Z'],
      ['SCHEDULED', '2026-12-28T15:00:00.000Z'],
    ]);
  });

  it('holds reviews: findings need owners of the organisation, a maturity review every dimension once', async () => {
    const all = await reviews();
    const missed = all.find((r) => r.status === 'MISSED')!;
    const maturity = all.find((r) => r.kind === 'MATURITY')!;
    const hold = (reviewId: string, findings: object[], m?: object[]) =>
      api.gql(
        'mutation($i: ReviewOutcomeInput!) { completeReview(input: $i) { status heldAt findings maturity maturityLevel } }',
        { i: { reviewId, findings, maturity: m } },
        admin,
      );
    const stranger = await hold(missed.id, [{ finding: 'Recalibrate', ownerId: '00000000-0000-4000-8000-000000000001', dueAt: '2027-01-10T00:00:00Z' }]);
    expect(stranger.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'findings' } });
    const badDate = await hold(missed.id, [{ finding: 'Recalibrate', ownerId: adminId, dueAt: 'soon' }]);
    expect(badDate.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'findings' } });
    const held = await hold(missed.id, [{ finding: 'Recalibrate the kiln thermocouples', ownerId: adminId, dueAt: '2027-01-10T00:00:00Z' }]);
    expect(held.data!.completeReview).toMatchObject({
      status: 'DONE',
      findings: [{ finding: 'Recalibrate the kiln thermocouples', ownerId: adminId, dueAt: '2027-01-10T00:00:00.000Z' }],
      maturity: null,
    });
    expect((await hold(missed.id, [])).errors![0]!.extensions!.code).toBe('CONFLICT');

    const dims = ['STRATEGY', 'DATA', 'TECHNOLOGY', 'PEOPLE', 'GOVERNANCE'].map((dimension, i) => ({ dimension, score: i + 1, evidence: 'seen' }));
    const partial = await hold(maturity.id, [], dims);
    expect(partial.errors![0]!.message).toBe(
      'A maturity review scores each of STRATEGY, DATA, TECHNOLOGY, PEOPLE, GOVERNANCE, OPERATIONS once; missing: OPERATIONS.',
    );
    const full = await hold(maturity.id, [], [...dims, { dimension: 'OPERATIONS', score: 3, evidence: 'shift handover audited' }]);
    expect(full.data!.completeReview).toMatchObject({ status: 'DONE', maturityLevel: (1 + 2 + 3 + 4 + 5 + 3) / 6 });
    const events = await api.services.db.prisma.auditEvent.count({ where: { organizationId, type: 'review.updated' } });
    expect(events).toBe(3);
  });

  it("reads a key result's progress from its KPI and names the roles a squad lacks", async () => {
    const prisma = api.services.db.prisma;
    const useCase = await prisma.useCase.findFirstOrThrow({ where: { organizationId, name: 'Kiln failures' } });
    const kpi = await prisma.kpi.create({
      data: {
        organizationId,
        useCaseId: useCase.id,
        name: 'Kiln downtime',
        unit: 'h/month',
        direction: 'LOWER_IS_BETTER',
        baseline: 40,
        target: 20,
        windowDays: 30,
      },
    });
    await prisma.kpiMeasurement.createMany({
      data: [30, 34].map((value, i) => ({ organizationId, kpiId: kpi.id, measuredAt: new Date(Date.now() - (i + 1) * DAY), value })),
    });
    const squad = await prisma.squad.create({ data: { organizationId, name: 'Kiln squad', useCaseId: useCase.id } });
    await prisma.squadMember.create({ data: { organizationId, squadId: squad.id, displayName: 'Ana', role: 'OT' } });
    const okr = await prisma.okr.create({
      data: { organizationId, squadId: squad.id, objective: 'Fewer kiln stops', periodStart: new Date(), periodEnd: new Date(Date.now() + 90 * DAY) },
    });
    await prisma.keyResult.create({ data: { organizationId, okrId: okr.id, kpiId: kpi.id, description: 'Downtime at 25 h/month', targetValue: 25 } });
    const res = await api.gql('{ squads { nodes { name missingRoles okrs { keyResults { progress { current progress met } } } } } }', {}, admin);
    // Current 32 h/month: (32 − 40) / (25 − 40) = 0.5333 of the way, not met.
    expect(res.data!.squads.nodes).toEqual([
      {
        name: 'Kiln squad',
        missingRoles: ['IT', 'DATA_SCIENCE', 'OPERATIONS', 'SECURITY', 'DOMAIN_SME'],
        okrs: [{ keyResults: [{ progress: { current: 32, progress: 8 / 15, met: false } }] }],
      },
    ]);
  });

  it('reads key results from KPIs, certification expiry and squad gaps on the seeded plant', async () => {
    const viewer = await api.login('viewer@northwind.example');
    const res = await api.gql(
      `{ squads { nodes { name missingRoles okrs { keyResults { description targetValue kpi { baseline } progress { current baseline target progress met } } } } }
      certifications(first: 50) { nodes { expiresAt status daysToExpiry } } }`,
      {},
      viewer,
    );
    expect(res.errors).toBeUndefined();
    for (const squad of res.data!.squads.nodes) {
      expect(squad.missingRoles).toEqual([]);
      for (const kr of squad.okrs.flatMap((o: { keyResults: unknown[] }) => o.keyResults)) {
        expect(kr.progress).toMatchObject({ baseline: kr.kpi.baseline, target: kr.targetValue });
        if (kr.progress.current !== null)
          expect(kr.progress.progress).toBeCloseTo(Math.min(1, Math.max(0, (kr.progress.current - kr.kpi.baseline) / (kr.targetValue - kr.kpi.baseline))), 9);
      }
    }
    for (const c of res.data!.certifications.nodes) {
      const days = (Date.parse(c.expiresAt) - Date.now()) / DAY;
      expect(c.status).toBe(days <= 0 ? 'EXPIRED' : days <= 30 ? 'EXPIRING' : 'VALID');
      expect(c.daysToExpiry).toBe(Math.floor(days));
    }
  });
});
