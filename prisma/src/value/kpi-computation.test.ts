// KPIs computed from the thread on hand-worked data in real PostgreSQL: telemetry ingested and
// rolled up as in production, incidents, inspection events and a detector's insights on one day;
// then the value-recompute pass, which writes each day once, keeps manual measurements, evaluates
// gates, finds the first day of value and snapshots ROI only when it changes.
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSqlOf } from '../sql.ts';
import { signingKeyFromPem } from '../audit/audit-keys.ts';
import { createPool } from '../client.ts';
import { IngestService } from '../telemetry/ingest.ts';
import { openTelemetryStorage } from '../telemetry/storage.ts';
import { cncFeatureSpec, registerHandMadeVersion } from '../../../scripts/test/hand-made-versions.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { computeKpiDays, dayStart, MONTH_DAYS, type KpiComputation } from './kpi-computation.ts';
import { recomputeValue } from './recompute.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const day0 = new Date(dayStart(new Date()).getTime() - 5 * DAY);
const at = (hours: number) => new Date(day0.getTime() + hours * HOUR);
const now = at(3 * 24);
const scope = (assetIds: string[]) => ({ assetIds, lineIds: [], siteIds: [] });

describe('KPIs computed from the thread', () => {
  let pool: pg.Pool;
  let org: string;
  const asset: Record<string, string> = {};
  const compute = (c: KpiComputation, days = 2) => computeKpiDays(rawSqlOf(pool), org, c, day0, new Date(day0.getTime() + days * DAY), now);

  beforeAll(async () => {
    const db = await createTestDatabase();
    pool = createPool({ url: db.url, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    // The worked examples are in UTC days (plant-local days and shift calendars: shift-calendar.test.ts).
    await pool.query("UPDATE sites SET timezone = 'UTC' WHERE organization_id = $1", [org]);
    for (const code of ['LEJ-L1-CNV01', 'LEJ-L1-CNV02', 'LEJ-L1-VIS01', 'LEJ-L1-CMP01']) {
      asset[code] = (await pool.query('SELECT id FROM assets WHERE code = $1', [code])).rows[0].id;
    }
    // Incidents: CNV01 down 10:00-13:00 on day 0; CNV02 down 23:00 on day 0 to 01:00 on day 1.
    await pool.query(
      `INSERT INTO incidents (organization_id, asset_id, title, started_at, ended_at, downtime_minutes)
       VALUES ($1, $2, 'Belt torn', $3, $4, 180), ($1, $5, 'Gearbox', $6, $7, 120)`,
      [org, asset['LEJ-L1-CNV01'], at(10), at(13), asset['LEJ-L1-CNV02'], at(23), at(25)],
    );
    // One reading a minute through day 0: the vision station inspects 40 parts/min and rejects 2.5 %;
    // the compressor draws 30 kW.
    const signal = async (code: string, name: string) =>
      (await pool.query('SELECT id FROM signals WHERE asset_id = $1 AND name = $2', [asset[code], name])).rows[0].id as string;
    const [parts, rejects, power] = [
      await signal('LEJ-L1-VIS01', 'parts_inspected'),
      await signal('LEJ-L1-VIS01', 'reject_rate'),
      await signal('LEJ-L1-CMP01', 'power'),
    ];
    const storage = await openTelemetryStorage(pool);
    const ingest = IngestService.forPool(pool, storage);
    const points = Array.from({ length: 1440 }, (_, m) => at(m / 60).toISOString()).flatMap((time) => [
      { signalId: parts, time, value: 40 },
      { signalId: rejects, time, value: 2.5 },
      { signalId: power, time, value: 30 },
    ]);
    for (let i = 0; i < points.length; i += 1_000) await ingest.ingest(org, points.slice(i, i + 1_000));
    await storage.refreshRollups();
    // Inspections on day 0: a batch of 100 with 2 defective, one failed part, one good part.
    await pool.query(
      `INSERT INTO plant_events (organization_id, asset_id, time, kind, severity, code, message, attributes) VALUES
         ($1, $2, $3, 'LOG', 'INFO', 'INSPECTION', 'batch', '{"inspected": 100, "defective": 2}'),
         ($1, $2, $4, 'LOG', 'INFO', 'INSPECTION', 'part', '{"result": "FAIL"}'),
         ($1, $2, $5, 'LOG', 'INFO', 'INSPECTION', 'part', '{"result": "PASS"}'),
         ($1, $2, $6, 'LOG', 'INFO', 'INSPECTION', 'next day', '{"result": "FAIL"}')`,
      [org, asset['LEJ-L1-VIS01'], at(8), at(9), at(10), at(30)],
    );
  }, 120_000);
  afterAll(async () => pool?.end());

  it('uptime: 100 × (1 − downtime / planned time) per day (every hour planned without a calendar) over the scope', async () => {
    const days = await compute({ kind: 'UPTIME', scope: scope([asset['LEJ-L1-CNV01']!, asset['LEJ-L1-CNV02']!]) });
    // Day 0: 3 h + 1 h of 48 h; day 1: 1 h of 48 h.
    expect(days.map((d) => [d.day, d.value])).toEqual([
      [day0, 100 * (1 - 4 / 48)],
      [at(24), 100 * (1 - 1 / 48)],
    ]);
    expect(days[0]!.note).toBe('4 h down of 48 h planned on 2 assets');
  });

  it("unplanned downtime as a monthly rate of the day's incident hours", async () => {
    const days = await compute({ kind: 'UNPLANNED_DOWNTIME', scope: scope([asset['LEJ-L1-CNV01']!, asset['LEJ-L1-CNV02']!]) }, 1);
    expect(days[0]!.value).toBeCloseTo(4 * MONTH_DAYS, 9);
  });

  it('OEE = availability × performance × quality from summed times and counts', async () => {
    const days = await compute({
      kind: 'OEE',
      scope: scope([asset['LEJ-L1-VIS01']!]),
      countSignal: 'parts_inspected',
      idealRatePerMinute: 50,
      rejectSignal: 'reject_rate',
    });
    // No downtime: 1 × (40 · 1440) / (50 · 1440) × (1 − 0.025) = 0.78; day 1 has no counts: left out.
    expect(days).toHaveLength(1);
    expect(days[0]!.value).toBeCloseTo(78, 9);
    expect(days[0]!.note).toBe('availability 1 × performance 0.8 × quality 0.975 (57600 units, 1440 rejected in 24 h planned)');
  });

  it('energy per unit and energy cost from a power signal integrated over the rollups', async () => {
    const perUnit = await compute({
      kind: 'ENERGY_PER_UNIT',
      scope: scope([asset['LEJ-L1-CMP01']!]),
      energySignal: 'power',
      countSignal: 'parts_inspected',
      countScope: scope([asset['LEJ-L1-VIS01']!]),
    });
    // 30 kW for 24 h = 720 kWh for 57,600 parts.
    expect(perUnit[0]!.value).toBeCloseTo(720 / 57_600, 12);
    const cost = await compute({ kind: 'ENERGY_COST', scope: scope([asset['LEJ-L1-CMP01']!]), energySignal: 'power', pricePerKwh: 0.2 });
    expect(cost[0]!.value).toBeCloseTo(720 * 0.2 * MONTH_DAYS, 9);
  });

  it('defect rate from inspection events: batches, failed and passed parts', async () => {
    const days = await compute({ kind: 'DEFECT_RATE', scope: scope([asset['LEJ-L1-VIS01']!]), inspectionCode: 'INSPECTION' });
    expect(days.map((d) => d.value)).toEqual([(100 * 3) / 102, 100]);
  });

  it("a detector's value from its confusion matrix against incidents × the value of each outcome", async () => {
    const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
    const modelId = (
      await pool.query("INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Belt detector', 'ANOMALY_DETECTION', $2) RETURNING id", [
        org,
        assetTypeId,
      ])
    ).rows[0].id as string;
    const key = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const versionId = await registerHandMadeVersion(pool, key, { organizationId: org, id: modelId, spec, scale }, 1, 0, 0.5);
    // 08:00 on CNV01 foresees its 10:00 incident (true positive); 15:00 on CNV01 foresees nothing
    // (false positive); nothing foresaw CNV02's 23:00 incident (missed).
    await pool.query(
      `INSERT INTO insights (organization_id, asset_id, model_version_id, kind, severity, title, evidence_start_at, evidence_end_at, raised_at)
       VALUES ($1, $2, $3, 'ANOMALY', 'WARNING', 'belt', $4, $4, $4), ($1, $2, $3, 'ANOMALY', 'WARNING', 'belt', $5, $5, $5)`,
      [org, asset['LEJ-L1-CNV01'], versionId, at(8), at(15)],
    );
    const days = await compute(
      {
        kind: 'DETECTOR_VALUE',
        scope: scope([asset['LEJ-L1-CNV01']!, asset['LEJ-L1-CNV02']!]),
        modelId,
        horizonHours: 48,
        valuePerTruePositive: 5_000,
        costPerFalsePositive: 200,
        costPerMissed: 3_000,
      },
      1,
    );
    expect(days[0]!.note).toBe('1 true positives, 1 false positives, 1 missed in 24 h');
    expect(days[0]!.value).toBeCloseTo((5_000 - 200 - 3_000) * MONTH_DAYS, 9);
  });

  it('recomputes as data arrives: each day once, manual measurements kept, gates, first value and ROI snapshots', async () => {
    const db = rawSqlOf(pool);
    const useCaseId = (
      await pool.query("INSERT INTO use_cases (organization_id, name, kickoff_at, status) VALUES ($1, 'Belt uptime', $2, 'ACTIVE') RETURNING id", [
        org,
        new Date(day0.getTime() - 10 * DAY),
      ])
    ).rows[0].id;
    const kpiId = (
      await pool.query(
        `INSERT INTO kpis (organization_id, use_case_id, name, kind, unit, direction, baseline, target, value_per_unit, computation)
       VALUES ($1, $2, 'Belt uptime', 'UPTIME', '%', 'HIGHER_IS_BETTER', 90, 95, 500, $3) RETURNING id`,
        [org, useCaseId, { kind: 'UPTIME', scope: scope([asset['LEJ-L1-CNV01']!, asset['LEJ-L1-CNV02']!]) }],
      )
    ).rows[0].id;
    await pool.query("INSERT INTO cost_items (organization_id, use_case_id, name, kind, amount, starts_at) VALUES ($1, $2, 'Sensors', 'ONE_TIME', 1000, $3)", [
      org,
      useCaseId,
      day0,
    ]);
    // Someone typed day 1's figure by hand: the computation must not overwrite it.
    await pool.query("INSERT INTO kpi_measurements (organization_id, kpi_id, measured_at, value, source) VALUES ($1, $2, $3, 42, 'MANUAL')", [
      org,
      kpiId,
      at(24),
    ]);
    const wave = (
      await pool.query(
        `INSERT INTO scaling_waves (organization_id, use_case_id, phase, name, status, planned_start_at, planned_end_at, started_at)
       VALUES ($1, $2, 'PILOT_AND_PROVE', 'Belt pilot', 'ACTIVE', $3, $4, $3) RETURNING id`,
        [org, useCaseId, day0, new Date(day0.getTime() + 120 * DAY)],
      )
    ).rows[0].id;
    await pool.query('INSERT INTO wave_gates (organization_id, wave_id, kpi_id, threshold, window_days) VALUES ($1, $2, $3, 95, 7)', [org, wave, kpiId]);

    const first = await recomputeValue(db, org, now);
    // From kickoff (day -10) to day 2: 13 days, day 1 being manual.
    expect(first.measurementsChanged).toBe(12);
    const { rows: measured } = await pool.query<{ measured_at: Date; value: number; source: string }>(
      'SELECT measured_at, value, source FROM kpi_measurements WHERE kpi_id = $1 ORDER BY measured_at',
      [kpiId],
    );
    expect(measured).toHaveLength(13);
    expect(measured.find((m) => m.measured_at.getTime() === day0.getTime())).toMatchObject({ value: 100 * (1 - 4 / 48), source: 'COMPUTED' });
    expect(measured.find((m) => m.measured_at.getTime() === at(24).getTime())).toMatchObject({ value: 42, source: 'MANUAL' });
    // The gate's 7-day window (now − 7 d, now] holds days -3..2: 100 × 3 + 91.67 + 42 + 100 → below 95.
    const {
      rows: [gate],
    } = await pool.query('SELECT passing, last_value FROM wave_gates WHERE wave_id = $1', [wave]);
    expect(gate.passing).toBe(false);
    expect(gate.last_value).toBeCloseTo((300 + 100 * (1 - 4 / 48) + 42 + 100) / 6, 9);
    // The kickoff day was 100 % (no incidents): the 7-day average met the target at its end.
    const {
      rows: [useCase],
    } = await pool.query('SELECT first_value_at FROM use_cases WHERE id = $1', [useCaseId]);
    expect(useCase.first_value_at).toEqual(new Date(day0.getTime() - 9 * DAY));
    const snapshots = async () =>
      (await pool.query<{ basis: string }>('SELECT basis FROM roi_snapshots WHERE use_case_id = $1 ORDER BY computed_at, basis', [useCaseId])).rows.map(
        (r) => r.basis,
      );
    expect(await snapshots()).toEqual(['PROJECTED', 'REALISED']);

    // A second pass changes nothing; a late incident changes day 2 only and a new snapshot follows.
    expect(await recomputeValue(db, org, now)).toEqual({ measurementsChanged: 0, gatesEvaluated: expect.any(Number), firstValues: 0, snapshots: 0 });
    await pool.query("INSERT INTO incidents (organization_id, asset_id, title, started_at, ended_at) VALUES ($1, $2, 'Late report', $3, $4)", [
      org,
      asset['LEJ-L1-CNV01'],
      at(48),
      at(54),
    ]);
    const late = await recomputeValue(db, org, now);
    expect(late.measurementsChanged).toBe(1);
    expect(late.snapshots).toBe(1);
    expect(await snapshots()).toEqual(['PROJECTED', 'REALISED', 'REALISED']);
    const { rows: audit } = await pool.query("SELECT payload FROM audit_events WHERE type = 'kpi_measurement.computed' AND subject_id = $1 ORDER BY seq", [
      kpiId,
    ]);
    expect(audit.map((a) => a.payload.days)).toEqual([12, 1]);
  });
});
