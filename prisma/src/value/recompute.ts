// One pass of the value-recompute job for an organisation, in order: computed KPIs get their days
// recomputed (the last `lookbackDays`, or from kickoff the first time), the gates of running waves
// are evaluated from the measurements, each use case's first day of value is found once, and an ROI
// snapshot of each basis is kept whenever a figure changed (or once a day). Manual measurements are
// never overwritten. Every write is audited by the system actor.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { RawSql } from '../sql.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { evaluateWaveGates } from '../waves/gates.ts';
import { computeKpiDays, dayStart, kpiComputationSchema } from './kpi-computation.ts';
import { roiNow } from './roi.ts';
import { loadValueInputs, type UseCaseValueInputs } from './value-inputs.ts';
import { firstValue } from './ttv.ts';

const DAY_MS = 86_400_000;
/** A KPI computed for the first time is backfilled from its use case's kickoff, at most this far. */
const MAX_BACKFILL_DAYS = 400;
const SYSTEM: AuditActor = { kind: 'SYSTEM', id: null, label: 'worker:value-recompute' };

export interface RecomputeResult {
  measurementsChanged: number;
  gatesEvaluated: number;
  firstValues: number;
  snapshots: number;
}

interface KpiRow {
  id: string;
  computation: unknown;
  kickoff_at: Date | null;
  computed: boolean;
}

async function recomputeKpis(db: RawSql, organizationId: string, now: Date, lookbackDays: number): Promise<number> {
  const kpis = await db.$queryRawUnsafe<KpiRow[]>(
    `SELECT k.id, k.computation, u.kickoff_at,
            EXISTS (SELECT 1 FROM kpi_measurements m WHERE m.kpi_id = k.id AND m.source = 'COMPUTED') AS computed
       FROM kpis k JOIN use_cases u ON u.organization_id = k.organization_id AND u.id = k.use_case_id
      WHERE k.organization_id = $1::uuid AND k.computation IS NOT NULL`,
    organizationId,
  );
  const to = new Date(dayStart(now).getTime() + DAY_MS);
  let changed = 0;
  for (const kpi of kpis) {
    const parsed = kpiComputationSchema.safeParse(kpi.computation);
    if (!parsed.success) continue;
    // Computed before: redo the lookback. First time: from kickoff (90 days without one), at most the backfill limit.
    const backfillFrom = kpi.kickoff_at ? dayStart(kpi.kickoff_at).getTime() : to.getTime() - 90 * DAY_MS;
    const start = kpi.computed ? to.getTime() - lookbackDays * DAY_MS : Math.max(to.getTime() - MAX_BACKFILL_DAYS * DAY_MS, backfillFrom);
    const days = await computeKpiDays(db, organizationId, parsed.data, new Date(start), to, now);
    if (days.length === 0) continue;
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
      `WITH written AS (
         INSERT INTO kpi_measurements (organization_id, kpi_id, measured_at, value, source, note)
         SELECT $1::uuid, $2::uuid, d, v, 'COMPUTED', n FROM unnest($3::timestamptz[], $4::float8[], $5::text[]) AS u(d, v, n)
         ON CONFLICT (kpi_id, measured_at) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note
          WHERE kpi_measurements.source = 'COMPUTED' AND (kpi_measurements.value, kpi_measurements.note) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.note)
         RETURNING 1)
       SELECT count(*)::int AS n FROM written`,
      organizationId,
      kpi.id,
      days.map((d) => d.day),
      days.map((d) => d.value),
      days.map((d) => d.note),
    );
    if (row!.n === 0) continue;
    changed += row!.n;
    await appendAuditEvent(db, {
      organizationId,
      type: 'kpi_measurement.computed',
      actor: SYSTEM,
      subjectType: 'kpi',
      subjectId: kpi.id,
      payload: { kind: parsed.data.kind, days: row!.n, from: days[0]!.day.toISOString(), to: days.at(-1)!.day.toISOString() },
    });
  }
  return changed;
}

async function evaluateRunningGates(db: RawSql, organizationId: string, now: Date): Promise<number> {
  const waves = await db.$queryRawUnsafe<{ id: string }[]>(
    "SELECT id FROM scaling_waves WHERE organization_id = $1::uuid AND status IN ('ACTIVE', 'GATE_REVIEW')",
    organizationId,
  );
  let gates = 0;
  for (const wave of waves) gates += (await evaluateWaveGates(db, organizationId, wave.id, now)).length;
  return gates;
}

async function recordFirstValue(db: RawSql, organizationId: string, useCase: UseCaseValueInputs & { kickoffAt: Date }, now: Date): Promise<boolean> {
  if (useCase.firstValueAt) return false;
  const found = firstValue(useCase, now);
  if (!found) return false;
  await db.$executeRawUnsafe(
    'UPDATE use_cases SET first_value_at = $3, updated_at = now() WHERE organization_id = $1::uuid AND id = $2::uuid',
    organizationId,
    useCase.id,
    found.firstValueAt,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'use_case.updated',
    actor: SYSTEM,
    subjectType: 'use_case',
    subjectId: useCase.id,
    payload: { firstValueAt: [null, found.firstValueAt.toISOString()], rule: found.rule, ttvDays: found.ttvDays },
  });
  return true;
}

const figuresKey = (f: { cumulativeBenefit: number; cumulativeCost: number; roi: number | null; npv: number | null; paybackMonth: number | null }) =>
  JSON.stringify([f.cumulativeBenefit.toFixed(2), f.cumulativeCost.toFixed(2), f.roi?.toFixed(6) ?? null, f.npv?.toFixed(2) ?? null, f.paybackMonth]);

async function snapshotRoi(db: RawSql, organizationId: string, useCase: UseCaseValueInputs & { kickoffAt: Date }, now: Date): Promise<number> {
  let written = 0;
  for (const basis of ['PROJECTED', 'REALISED'] as const) {
    const figures = roiNow(useCase, basis, now);
    const [last] = await db.$queryRawUnsafe<
      {
        id: string;
        computed_at: Date;
        cumulative_benefit: number;
        cumulative_cost: number;
        roi: number | null;
        npv: number | null;
        payback_month: number | null;
        inputs_version: string | null;
        has_months: boolean;
      }[]
    >(
      `SELECT id, computed_at, cumulative_benefit, cumulative_cost, roi, npv, payback_month, inputs_version::text AS inputs_version, months IS NOT NULL AS has_months
         FROM roi_snapshots
        WHERE organization_id = $1::uuid AND use_case_id = $2::uuid AND basis = $3::roi_basis ORDER BY computed_at DESC LIMIT 1`,
      organizationId,
      useCase.id,
      basis,
    );
    const same =
      last &&
      figuresKey({
        cumulativeBenefit: last.cumulative_benefit,
        cumulativeCost: last.cumulative_cost,
        roi: last.roi,
        npv: last.npv,
        paybackMonth: last.payback_month,
      }) === figuresKey(figures);
    const months = JSON.stringify(figures.months.map((m) => [m.startsAt.getTime(), m.benefit, m.cost]));
    if (same && dayStart(last.computed_at).getTime() === dayStart(now).getTime()) {
      // The same figures from newer inputs (a measurement that changed nothing, say): the snapshot stays, and is fresh again.
      if (last.inputs_version === useCase.valueVersion && last.has_months) continue;
      await db.$executeRawUnsafe(
        'UPDATE roi_snapshots SET inputs_version = $2::bigint, months = $3::jsonb WHERE id = $1::uuid',
        last.id,
        useCase.valueVersion,
        months,
      );
      continue;
    }
    const breakdown = { months: figures.months.length, kpis: figures.kpis, costs: figures.costs } as unknown as JsonValue;
    const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO roi_snapshots (organization_id, use_case_id, basis, computed_at, monthly_benefit, cumulative_benefit, cumulative_cost, roi, npv, payback_month, breakdown, months, inputs_version)
       VALUES ($1::uuid, $2::uuid, $3::roi_basis, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13::bigint) RETURNING id`,
      organizationId,
      useCase.id,
      basis,
      now,
      figures.monthlyBenefit,
      figures.cumulativeBenefit,
      figures.cumulativeCost,
      figures.roi,
      figures.npv,
      figures.paybackMonth,
      JSON.stringify(breakdown),
      months,
      useCase.valueVersion,
    );
    await appendAuditEvent(db, {
      organizationId,
      type: 'roi_snapshot.created',
      actor: SYSTEM,
      subjectType: 'roi_snapshot',
      subjectId: row!.id,
      payload: {
        useCaseId: useCase.id,
        basis,
        roi: figures.roi,
        npv: figures.npv,
        paybackMonth: figures.paybackMonth,
        cumulativeBenefit: figures.cumulativeBenefit,
        cumulativeCost: figures.cumulativeCost,
      },
    });
    written += 1;
  }
  return written;
}

/** Recomputes an organisation's KPIs, gates, first values and ROI snapshots as of `now`. */
export async function recomputeValue(db: RawSql, organizationId: string, now: Date, lookbackDays = 7): Promise<RecomputeResult> {
  // One pass per organisation at a time (a scheduled and a requested pass may meet).
  await db.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('value-recompute:' || $1))", organizationId);
  const measurementsChanged = await recomputeKpis(db, organizationId, now, lookbackDays);
  const gatesEvaluated = await evaluateRunningGates(db, organizationId, now);
  let firstValues = 0;
  let snapshots = 0;
  for (const useCase of await loadValueInputs(db, organizationId)) {
    if (!useCase.kickoffAt) continue;
    const started = { ...useCase, kickoffAt: useCase.kickoffAt };
    if (await recordFirstValue(db, organizationId, started, now)) firstValues += 1;
    snapshots += await snapshotRoi(db, organizationId, started, now);
  }
  return { measurementsChanged, gatesEvaluated, firstValues, snapshots };
}
