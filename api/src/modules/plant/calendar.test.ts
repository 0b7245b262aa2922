// A site's calendar through GraphQL: shifts, holidays and planned stops written by engineers with
// coded errors for bad input, audited, refused to viewers; a CSV import of stops; the shift report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const SAVE_SHIFT = 'mutation($i: ShiftInput!, $id: ID) { saveShift(input: $i, id: $id) { id name startsAt endsAt weekdays } }';

describe('site calendars', () => {
  let api: ApiHarness;
  let engineer: string;
  let site: string;
  let asset: string;

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
    site = (await api.services.db.prisma.site.findFirstOrThrow({ where: { code: 'BRQ' } })).id;
    asset = (await api.services.db.prisma.asset.findFirstOrThrow({ where: { code: 'BRQ-L1-CNC01' } })).id;
  });
  afterAll(async () => api?.close());

  it('keeps shifts with coded errors for bad times and days, audited, and refuses viewers', async () => {
    const bad = await api.gql(SAVE_SHIFT, { i: { siteId: site, name: 'Early', startsAt: '25:00', endsAt: '14:00', weekdays: [1, 9] } }, engineer);
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect((bad.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['startsAt', 'weekdays']);
    const same = await api.gql(SAVE_SHIFT, { i: { siteId: site, name: 'Early', startsAt: '06:00', endsAt: '06:00' } }, engineer);
    expect(same.errors![0]!.message).toBe('endsAt must differ from startsAt (a shift cannot last 0 or 24 hours).');

    const early = await api.gql(SAVE_SHIFT, { i: { siteId: site, name: 'Early', startsAt: '06:00', endsAt: '14:00' } }, engineer);
    expect(early.data!.saveShift).toMatchObject({ name: 'Early', startsAt: '06:00', endsAt: '14:00', weekdays: [1, 2, 3, 4, 5] });
    const id = early.data!.saveShift.id as string;
    const duplicate = await api.gql(SAVE_SHIFT, { i: { siteId: site, name: 'Early', startsAt: '05:00', endsAt: '13:00' } }, engineer);
    expect(duplicate.errors![0]!.extensions!.code).toBe('CONFLICT');
    const moved = await api.gql(
      SAVE_SHIFT,
      { id, i: { siteId: site, name: 'Early', startsAt: '05:30', endsAt: '13:30', weekdays: [1, 2, 3, 4, 5, 6] } },
      engineer,
    );
    expect(moved.data!.saveShift).toMatchObject({ startsAt: '05:30', weekdays: [1, 2, 3, 4, 5, 6] });
    const audit = await api.services.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'shift.updated', subjectId: id } });
    expect(audit.payload).toMatchObject({ changes: { startsAt: ['06:00', '05:30'], endsAt: ['14:00', '13:30'] } });

    const viewer = await api.login('viewer@northwind.example');
    const refused = await api.gql(SAVE_SHIFT, { i: { siteId: site, name: 'Late', startsAt: '14:00', endsAt: '22:00' } }, viewer);
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');

    const listed = await api.gql(`query($id: ID!) { site(id: $id) { shifts { name startsAt } } }`, { id: site }, viewer);
    expect(listed.data!.site.shifts).toEqual([{ name: 'Early', startsAt: '05:30' }]);
  });

  it('reports planned time and downtime per shift, less a planned stop, and imports stops from CSV', async () => {
    // Wednesday 2 December 2026 in Brno (UTC+1): the early shift runs 05:30-13:30 local, 04:30-12:30 UTC.
    const stop = await api.gql(
      'mutation($i: PlannedStopInput!) { addPlannedStop(input: $i) { siteId lineId assetId reason } }',
      { i: { assetId: asset, startsAt: '2026-12-02T06:30:00Z', endsAt: '2026-12-02T07:30:00Z', reason: 'Tool change' } },
      engineer,
    );
    expect(stop.data!.addPlannedStop).toMatchObject({ siteId: site, assetId: asset, reason: 'Tool change' });
    await api.services.db.prisma.incident.create({
      data: {
        organizationId: (await api.services.db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id,
        assetId: asset,
        title: 'Spindle stall',
        startedAt: new Date('2026-12-02T10:00:00Z'),
        endedAt: new Date('2026-12-02T11:00:00Z'),
      },
    });
    const report = await api.gql(
      'query($i: ShiftReportInput!) { shiftReport(input: $i) { day shift startsAt endsAt plannedHours downtimeHours availabilityPct assets } }',
      { i: { assetIds: [asset], from: '2026-12-02T00:00:00Z', to: '2026-12-03T00:00:00Z' } },
      engineer,
    );
    expect(report.data!.shiftReport).toEqual([
      {
        day: '2026-12-02',
        shift: 'Early',
        startsAt: '2026-12-02T04:30:00.000Z',
        endsAt: '2026-12-02T12:30:00.000Z',
        plannedHours: 7,
        downtimeHours: 1,
        availabilityPct: (100 * 6) / 7,
        assets: 1,
      },
    ]);
    // With an OEE computation: no parts counted by this machine, so none made and OEE 0.
    const withOee = await api.gql(
      'query($i: ShiftReportInput!) { shiftReport(input: $i) { shift units oeePct } }',
      { i: { assetIds: [asset], from: '2026-12-02T00:00:00Z', to: '2026-12-03T00:00:00Z', oee: { countSignal: 'parts_inspected', idealRatePerMinute: 40 } } },
      engineer,
    );
    expect(withOee.data!.shiftReport).toEqual([{ shift: 'Early', units: 0, oeePct: 0 }]);
    const tooLong = await api.gql(
      'query($i: ShiftReportInput!) { shiftReport(input: $i) { day } }',
      { i: { siteIds: [site], from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' } },
      engineer,
    );
    expect(tooLong.errors![0]!.message).toBe('A shift report covers at most 62 days.');

    const local = await api.gql(
      'mutation($i: PlannedStopInput!) { addPlannedStop(input: $i) { startsAt endsAt } }',
      { i: { siteId: site, localStartsAt: '2026-12-10T06:00', localEndsAt: '2026-12-10T07:30', reason: 'Fire drill' } },
      engineer,
    );
    // Brno is on UTC+1 in December: the site's wall clock, placed in its time zone.
    expect(local.data!.addPlannedStop).toEqual({ startsAt: '2026-12-10T05:00:00.000Z', endsAt: '2026-12-10T06:30:00.000Z' });
    const neither = await api.gql('mutation($i: PlannedStopInput!) { addPlannedStop(input: $i) { id } }', { i: { siteId: site, reason: 'When?' } }, engineer);
    expect(neither.errors![0]!.message).toBe('Give startsAt and endsAt, or localStartsAt and localEndsAt.');

    const csv = 'site,line,asset,starts_at,ends_at,reason\nBRQ,,,2026-12-24T00:00:00+01:00,2026-12-27T00:00:00+01:00,Christmas shutdown\n';
    const dry = await api.gql(
      'mutation($i: PlannedStopsImportInput!) { importPlannedStops(input: $i) { stops problems { row message } } }',
      { i: { csv } },
      engineer,
    );
    expect(dry.data!.importPlannedStops).toEqual({ stops: 1, problems: [] });
    expect(await api.services.db.prisma.plannedStop.count({ where: { reason: 'Christmas shutdown' } })).toBe(0);
    await api.gql('mutation($i: PlannedStopsImportInput!) { importPlannedStops(input: $i) { stops } }', { i: { csv, dryRun: false } }, engineer);
    const stops = await api.gql(
      'query($id: ID!) { site(id: $id) { plannedStops(from: "2026-12-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { reason startsAt } } }',
      { id: site },
      engineer,
    );
    expect(stops.data!.site.plannedStops).toEqual([
      { reason: 'Tool change', startsAt: '2026-12-02T06:30:00.000Z' },
      { reason: 'Fire drill', startsAt: '2026-12-10T05:00:00.000Z' },
      { reason: 'Christmas shutdown', startsAt: '2026-12-23T23:00:00.000Z' },
    ]);
  });
});
