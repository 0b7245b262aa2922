// Shift calendars on hand-worked examples in real PostgreSQL, at the Leipzig site (Europe/Berlin):
// OEE against planned production time with a planned stop and incidents in and out of the shifts;
// a night shift crossing midnight and both daylight-saving changes; a holiday; plant-local days.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../client.ts';
import { inTransaction, rawSqlOf } from '../sql.ts';
import { IngestService } from '../telemetry/ingest.ts';
import { openTelemetryStorage } from '../telemetry/storage.ts';
import { computeKpiDays } from '../value/kpi-computation.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { addPlannedStop, importPlannedStops, removeCalendarEntry, saveHoliday, saveShift } from './calendar.ts';
import { shiftReport } from '../value/shift-report.ts';

const ENGINEER = { kind: 'SYSTEM' as const, id: null, label: 'test' };
const scope = (assetIds: string[]) => ({ assetIds, lineIds: [], siteIds: [] });

describe('shift calendars', () => {
  let pool: pg.Pool;
  let org: string;
  let site: string;
  const asset: Record<string, string> = {};
  const write = <T>(work: (db: ReturnType<typeof rawSqlOf>) => Promise<T>) => inTransaction(pool, (db) => work(db));
  const incident = (code: string, from: string, to: string) =>
    pool.query(`INSERT INTO incidents (organization_id, asset_id, title, started_at, ended_at) VALUES ($1, $2, 'Stop', $3, $4)`, [org, asset[code], from, to]);

  beforeAll(async () => {
    const db = await createTestDatabase();
    pool = createPool({ url: db.url, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    site = (await pool.query("SELECT id FROM sites WHERE code = 'LEJ'")).rows[0].id;
    for (const code of ['LEJ-L1-VIS01', 'LEJ-L1-CNC01', 'LEJ-L2-CNC01'])
      asset[code] = (await pool.query('SELECT id FROM assets WHERE code = $1', [code])).rows[0].id;
  }, 120_000);
  afterAll(async () => pool?.end());

  it('measures OEE against the shifts less a planned stop, not against 24 hours', async () => {
    // Wednesday 14 January 2026 in Leipzig (UTC+1): early 06:00-14:00 and late 14:00-22:00, Monday to Friday.
    const early = await write((db) =>
      saveShift(db, org, ENGINEER, { siteId: site, name: 'Early', startsAt: '06:00', endsAt: '14:00', weekdays: [1, 2, 3, 4, 5] }),
    );
    await write((db) => saveShift(db, org, ENGINEER, { siteId: site, name: 'Late', startsAt: '14:00', endsAt: '22:00', weekdays: [1, 2, 3, 4, 5] }));
    const lineId = (await pool.query("SELECT id FROM lines WHERE code = 'LEJ-L1'")).rows[0].id as string;
    // Line maintenance 10:00-11:00 local: 15 h planned.
    await write((db) =>
      addPlannedStop(db, org, ENGINEER, {
        lineId,
        startsAt: new Date('2026-01-14T09:00:00Z'),
        endsAt: new Date('2026-01-14T10:00:00Z'),
        reason: 'Line maintenance',
      }),
    );
    // Down 12:00-12:30 local (counts) and 23:00-23:30 local (no shift: does not).
    await incident('LEJ-L1-VIS01', '2026-01-14T11:00:00Z', '2026-01-14T11:30:00Z');
    await incident('LEJ-L1-VIS01', '2026-01-14T22:00:00Z', '2026-01-14T22:30:00Z');
    // The station counts 40 parts a minute with 2.5 % rejected whenever it runs in the shifts: 870 minutes.
    const signal = async (name: string) =>
      (await pool.query('SELECT id FROM signals WHERE asset_id = $1 AND name = $2', [asset['LEJ-L1-VIS01'], name])).rows[0].id;
    const [parts, rejects] = [await signal('parts_inspected'), await signal('reject_rate')];
    const running = (t: number) =>
      !(t >= Date.parse('2026-01-14T09:00:00Z') && t < Date.parse('2026-01-14T10:00:00Z')) &&
      !(t >= Date.parse('2026-01-14T11:00:00Z') && t < Date.parse('2026-01-14T11:30:00Z'));
    const minutes = Array.from({ length: 16 * 60 }, (_, m) => Date.parse('2026-01-14T05:00:00Z') + m * 60_000).filter(running);
    expect(minutes).toHaveLength(870);
    const storage = await openTelemetryStorage(pool);
    const ingest = IngestService.forPool(pool, storage);
    const points = minutes.flatMap((t) => [
      { signalId: parts, time: t, value: 40 },
      { signalId: rejects, time: t, value: 2.5 },
    ]);
    for (let i = 0; i < points.length; i += 1_000) await ingest.ingest(org, points.slice(i, i + 1_000));
    await storage.refreshRollups();

    const oee = {
      kind: 'OEE' as const,
      scope: scope([asset['LEJ-L1-VIS01']!]),
      countSignal: 'parts_inspected',
      idealRatePerMinute: 50,
      rejectSignal: 'reject_rate',
    };
    const day = () =>
      computeKpiDays(rawSqlOf(pool), org, oee, new Date('2026-01-14T00:00:00Z'), new Date('2026-01-15T00:00:00Z'), new Date('2026-01-20T00:00:00Z'));
    // Availability 14.5 / 15 h, performance 34,800 / (50 × 870) = 0.8, quality 1 − 870 / 34,800 = 0.975.
    const [planned] = await day();
    expect(planned!.day.toISOString()).toBe('2026-01-13T23:00:00.000Z');
    expect(planned!.value).toBeCloseTo(100 * (14.5 / 15) * 0.8 * 0.975, 9);
    expect(planned!.note).toBe('availability 0.9667 × performance 0.8 × quality 0.975 (34800 units, 870 rejected in 15 h planned)');

    // Per shift: early 7 h planned (the stop), 0.5 h down, 390 minutes × 40 parts; late 8 h, 480 minutes.
    const shifts = await shiftReport(
      rawSqlOf(pool),
      org,
      { assetIds: [asset['LEJ-L1-VIS01']!] },
      new Date('2026-01-13T23:00:00Z'),
      new Date('2026-01-14T23:00:00Z'),
      new Date('2026-01-20T00:00:00Z'),
      oee,
    );
    expect(shifts.map((s) => [s.shift, s.plannedHours, s.downtimeHours, s.units])).toEqual([
      ['Early', 7, 0.5, 15_600],
      ['Late', 8, 0, 19_200],
    ]);
    expect(shifts[0]!.oeePct).toBeCloseTo(100 * (6.5 / 7) * 0.8 * 0.975, 9);
    expect(shifts[1]!.oeePct).toBeCloseTo(100 * 0.8 * 0.975, 9);

    // The same day without a shift plan: 24 h planned, both incidents count; the stop still does.
    await write((db) => removeCalendarEntry(db, org, ENGINEER, 'shift', early.id));
    await pool.query("DELETE FROM shifts WHERE name = 'Late'");
    const [allDay] = await day();
    expect(allDay!.value).toBeCloseTo(100 * (22 / 23) * (34_800 / (50 * 22 * 60)) * 0.975, 9);
  });

  it('plans a night shift across midnight by the wall clock: 7 h in spring, 9 h in autumn, none on a holiday', async () => {
    await write((db) => saveShift(db, org, ENGINEER, { siteId: site, name: 'Night', startsAt: '22:00', endsAt: '06:00', weekdays: [1, 2, 3, 4, 5, 6, 7] }));
    await write((db) => saveHoliday(db, org, ENGINEER, { siteId: site, day: '2026-03-30', name: 'Plant holiday' }));
    // Down from 01:30 CET to 03:30 CEST on 29 March: one real hour.
    await incident('LEJ-L2-CNC01', '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z');
    const report = await shiftReport(
      rawSqlOf(pool),
      org,
      { assetIds: [asset['LEJ-L2-CNC01']!] },
      new Date('2026-03-28T12:00:00Z'),
      new Date('2026-04-01T00:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(report.map((r) => [r.day, r.shift, r.startsAt.toISOString(), r.endsAt.toISOString(), r.plannedHours, r.downtimeHours])).toEqual([
      ['2026-03-28', 'Night', '2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z', 7, 1],
      ['2026-03-29', 'Night', '2026-03-29T20:00:00.000Z', '2026-03-30T04:00:00.000Z', 8, 0],
      // 30 March is a holiday: no night shift starts on it. The next one is planned up to the range's end.
      ['2026-03-31', 'Night', '2026-03-31T20:00:00.000Z', '2026-04-01T04:00:00.000Z', 4, 0],
    ]);
    expect(report[0]!.availabilityPct).toBeCloseTo((100 * 6) / 7, 9);
    const autumn = await shiftReport(
      rawSqlOf(pool),
      org,
      { assetIds: [asset['LEJ-L2-CNC01']!] },
      new Date('2026-10-24T12:00:00Z'),
      new Date('2026-10-25T12:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(autumn.map((r) => [r.day, r.startsAt.toISOString(), r.endsAt.toISOString(), r.plannedHours])).toEqual([
      ['2026-10-24', '2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z', 9],
    ]);

    // Uptime of the plant-local 29 March (23 hours long): the night shifts give 5 h + 2 h planned, 1 h of it down.
    const [uptime] = await computeKpiDays(
      rawSqlOf(pool),
      org,
      { kind: 'UPTIME', scope: scope([asset['LEJ-L2-CNC01']!]) },
      new Date('2026-03-29T00:00:00Z'),
      new Date('2026-03-29T12:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(uptime!.day.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(uptime!.value).toBeCloseTo((100 * 6) / 7, 9);
    expect(uptime!.note).toBe('1 h down of 7 h planned on 1 assets');
  });

  it('imports planned stops from CSV, refusing the whole file over one bad record', async () => {
    const header = 'site,line,asset,starts_at,ends_at,reason\n';
    const bad = await write((db) =>
      importPlannedStops(
        db,
        org,
        ENGINEER,
        `${header}LEJ,,,2026-05-01T04:00:00Z,2026-05-01T08:00:00Z,Stocktaking\n,LEJ-L9,,2026-05-02T04:00:00Z,2026-05-02T05:00:00Z,Changeover\n,,LEJ-L1-CNC01,2026-05-03T05:00:00Z,2026-05-03T04:00:00Z,Backwards\n`,
        false,
      ),
    );
    expect(bad).toEqual({
      stops: 0,
      problems: [
        { row: 3, message: 'line LEJ-L9 is not in the plant' },
        { row: 4, message: 'endsAt must be after startsAt.' },
      ],
    });
    const before = (await pool.query('SELECT count(*)::int AS n FROM planned_stops')).rows[0].n;
    const good = await write((db) =>
      importPlannedStops(
        db,
        org,
        ENGINEER,
        `${header}LEJ,,,2026-05-01T04:00:00Z,2026-05-01T08:00:00Z,Stocktaking\n,,LEJ-L1-CNC01,2026-05-03T04:00:00Z,2026-05-03T05:00:00Z,Tool change\n`,
        false,
      ),
    );
    expect(good).toEqual({ stops: 2, problems: [] });
    const stops = await pool.query('SELECT site_id, line_id, asset_id, reason FROM planned_stops ORDER BY starts_at DESC LIMIT 2');
    expect(stops.rows.map((r) => [r.reason, r.site_id === site, r.line_id !== null, r.asset_id === asset['LEJ-L1-CNC01']])).toEqual([
      ['Tool change', true, true, true],
      ['Stocktaking', true, false, false],
    ]);
    expect((await pool.query('SELECT count(*)::int AS n FROM planned_stops')).rows[0].n).toBe(before + 2);
    expect((await pool.query("SELECT count(*)::int AS n FROM audit_events WHERE type = 'planned_stop.created'")).rows[0].n).toBe(before + 2);
  });
});
