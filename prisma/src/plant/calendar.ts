// A site's calendar as engineers keep it: shifts (a plant-local start and end time on the weekdays
// they start), holidays, and planned stops of the site, a line or an asset, entered one by one or
// imported from CSV. Every change is audited in the transaction that makes it; a refused change
// says why and writes nothing. What the calendar plans is in shift-calendar.ts.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { csvRecords, csvValue } from '../csv.ts';
import { Refusal } from '../refusal.ts';
import { row, rows, type RawSql } from '../sql.ts';
import { parseRfc3339, RFC3339_HINT } from '../rfc3339.ts';

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface ShiftDraft {
  siteId: string;
  name: string;
  /** Plant-local "HH:MM". */
  startsAt: string;
  /** Plant-local "HH:MM"; at or before startsAt, the shift ends the next day. */
  endsAt: string;
  /** ISO weekdays the shift starts on: 1 Monday … 7 Sunday. */
  weekdays: number[];
}

export interface Shift extends ShiftDraft {
  id: string;
}

const SHIFT_COLUMNS = `id, site_id AS "siteId", name, to_char(starts_at, 'HH24:MI') AS "startsAt", to_char(ends_at, 'HH24:MI') AS "endsAt", weekdays`;

function checkShift(draft: ShiftDraft): void {
  if (draft.name.trim().length < 1 || draft.name.length > 60) throw new Refusal('name has 1 to 60 characters.', 'name');
  for (const field of ['startsAt', 'endsAt'] as const) {
    if (!TIME.test(draft[field])) throw new Refusal(`${field} must be a plant-local time HH:MM, such as 06:00 or 22:30.`, field);
  }
  if (draft.startsAt === draft.endsAt) throw new Refusal('endsAt must differ from startsAt (a shift cannot last 0 or 24 hours).', 'endsAt');
  const days = new Set(draft.weekdays);
  if (days.size === 0 || days.size !== draft.weekdays.length || [...days].some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new Refusal('weekdays lists distinct ISO weekdays, 1 (Monday) to 7 (Sunday), at least one.', 'weekdays');
  }
}

async function requireSite(db: RawSql, organizationId: string, siteId: string): Promise<void> {
  if (!(await row(db, 'SELECT 1 FROM sites WHERE organization_id = $1::uuid AND id = $2::uuid', organizationId, siteId))) {
    throw new Refusal(`siteId ${siteId} is not a site of your organisation.`, 'siteId', 'NOT_FOUND');
  }
}

export function listShifts(db: RawSql, organizationId: string, siteId: string): Promise<Shift[]> {
  return rows<Shift>(
    db,
    `SELECT ${SHIFT_COLUMNS} FROM shifts WHERE organization_id = $1::uuid AND site_id = $2::uuid ORDER BY starts_at, name`,
    organizationId,
    siteId,
  );
}

/** Creates a shift, or changes the one named by `id`. */
export async function saveShift(db: RawSql, organizationId: string, actor: AuditActor, draft: ShiftDraft, id?: string): Promise<Shift> {
  checkShift(draft);
  await requireSite(db, organizationId, draft.siteId);
  const before = id
    ? await row<Shift>(db, `SELECT ${SHIFT_COLUMNS} FROM shifts WHERE organization_id = $1::uuid AND id = $2::uuid`, organizationId, id)
    : undefined;
  if (id && !before) throw new Refusal(`Shift ${id} does not exist in your organisation.`, 'id', 'NOT_FOUND');
  if (await row(db, 'SELECT 1 FROM shifts WHERE site_id = $1::uuid AND name = $2 AND id IS DISTINCT FROM $3::uuid', draft.siteId, draft.name, id ?? null)) {
    throw new Refusal(`The site already has a shift named ${draft.name}; choose another name.`, 'name', 'CONFLICT');
  }
  const params = [organizationId, draft.siteId, draft.name, draft.startsAt, draft.endsAt, draft.weekdays];
  const saved = before
    ? await row<Shift>(
        db,
        `UPDATE shifts SET site_id = $2::uuid, name = $3, starts_at = $4::time, ends_at = $5::time, weekdays = $6::int2[], updated_at = now()
          WHERE organization_id = $1::uuid AND id = $7::uuid RETURNING ${SHIFT_COLUMNS}`,
        ...params,
        id,
      )
    : await row<Shift>(
        db,
        `INSERT INTO shifts (organization_id, site_id, name, starts_at, ends_at, weekdays) VALUES ($1::uuid, $2::uuid, $3, $4::time, $5::time, $6::int2[])
         RETURNING ${SHIFT_COLUMNS}`,
        ...params,
      );
  const changes = before
    ? Object.fromEntries(
        (['siteId', 'name', 'startsAt', 'endsAt', 'weekdays'] as const)
          .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(saved![k]))
          .map((k) => [k, [before[k], saved![k]]]),
      )
    : null;
  await appendAuditEvent(db, {
    organizationId,
    type: before ? 'shift.updated' : 'shift.created',
    actor,
    subjectType: 'shift',
    subjectId: saved!.id,
    payload: changes ? { changes } : { after: { ...saved! } },
  });
  return saved!;
}

export interface Holiday {
  id: string;
  siteId: string;
  day: string;
  name: string;
}

export function listHolidays(db: RawSql, organizationId: string, siteId: string): Promise<Holiday[]> {
  return rows<Holiday>(
    db,
    `SELECT id, site_id AS "siteId", day::text AS day, name FROM site_holidays WHERE organization_id = $1::uuid AND site_id = $2::uuid ORDER BY day`,
    organizationId,
    siteId,
  );
}

/** Adds a holiday (no shift starts on it), or renames the one already on that day. */
export async function saveHoliday(db: RawSql, organizationId: string, actor: AuditActor, draft: Omit<Holiday, 'id'>): Promise<Holiday> {
  if (!DATE.test(draft.day) || Number.isNaN(Date.parse(`${draft.day}T00:00:00Z`))) throw new Refusal('day must be a date YYYY-MM-DD.', 'day');
  if (draft.name.trim().length < 1 || draft.name.length > 120) throw new Refusal('name has 1 to 120 characters.', 'name');
  await requireSite(db, organizationId, draft.siteId);
  const saved = await row<Holiday & { created: boolean }>(
    db,
    `INSERT INTO site_holidays (organization_id, site_id, day, name) VALUES ($1::uuid, $2::uuid, $3::date, $4)
     ON CONFLICT (site_id, day) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
     RETURNING id, site_id AS "siteId", day::text AS day, name, (xmax = 0) AS created`,
    organizationId,
    draft.siteId,
    draft.day,
    draft.name,
  );
  const { created, ...holiday } = saved!;
  await appendAuditEvent(db, {
    organizationId,
    type: created ? 'site_holiday.created' : 'site_holiday.updated',
    actor,
    subjectType: 'site_holiday',
    subjectId: holiday.id,
    payload: created ? { after: { ...holiday } } : { changes: { name: [null, holiday.name] } },
  });
  return holiday;
}

export interface PlannedStop {
  id: string;
  siteId: string;
  lineId: string | null;
  assetId: string | null;
  startsAt: Date;
  endsAt: Date;
  reason: string;
}

export interface PlannedStopDraft {
  /** Where the plant stops: an asset, a line or a whole site (the most specific one given). */
  siteId?: string | null;
  lineId?: string | null;
  assetId?: string | null;
  startsAt?: Date | null;
  endsAt?: Date | null;
  /** Instead of startsAt and endsAt: the site's wall-clock times, YYYY-MM-DDTHH:MM. */
  localStartsAt?: string | null;
  localEndsAt?: string | null;
  reason: string;
}

/** The stop's span as instants: given, or its wall-clock times placed in the site's time zone. */
async function spanOf(db: RawSql, organizationId: string, siteId: string, draft: PlannedStopDraft): Promise<{ startsAt: Date; endsAt: Date }> {
  if (draft.startsAt && draft.endsAt) return { startsAt: draft.startsAt, endsAt: draft.endsAt };
  if (!draft.localStartsAt || !draft.localEndsAt) throw new Refusal('Give startsAt and endsAt, or localStartsAt and localEndsAt.', 'startsAt');
  const found = await row<{ startsAt: Date; endsAt: Date }>(
    db,
    `SELECT ($3::timestamp AT TIME ZONE timezone) AS "startsAt", ($4::timestamp AT TIME ZONE timezone) AS "endsAt" FROM sites WHERE organization_id = $1::uuid AND id = $2::uuid`,
    organizationId,
    siteId,
    draft.localStartsAt,
    draft.localEndsAt,
  );
  return found!;
}

const STOP_COLUMNS = `id, site_id AS "siteId", line_id AS "lineId", asset_id AS "assetId", starts_at AS "startsAt", ends_at AS "endsAt", reason`;

export function listPlannedStops(db: RawSql, organizationId: string, siteId: string, from: Date, to: Date): Promise<PlannedStop[]> {
  return rows<PlannedStop>(
    db,
    `SELECT ${STOP_COLUMNS} FROM planned_stops WHERE organization_id = $1::uuid AND site_id = $2::uuid AND starts_at < $4 AND ends_at > $3 ORDER BY starts_at LIMIT 1000`,
    organizationId,
    siteId,
    from,
    to,
  );
}

/** The site, line and asset a stop applies to, from the most specific one named; or why not. */
async function placeOf(
  db: RawSql,
  organizationId: string,
  draft: PlannedStopDraft,
): Promise<{ siteId: string; lineId: string | null; assetId: string | null }> {
  if (draft.assetId) {
    const found = await row<{ siteId: string; lineId: string }>(
      db,
      `SELECT l.site_id AS "siteId", a.line_id AS "lineId" FROM assets a JOIN lines l ON l.organization_id = a.organization_id AND l.id = a.line_id
        WHERE a.organization_id = $1::uuid AND a.id = $2::uuid`,
      organizationId,
      draft.assetId,
    );
    if (!found) throw new Refusal(`assetId ${draft.assetId} is not an asset of your organisation.`, 'assetId', 'NOT_FOUND');
    return { ...found, assetId: draft.assetId };
  }
  if (draft.lineId) {
    const found = await row<{ siteId: string }>(
      db,
      'SELECT site_id AS "siteId" FROM lines WHERE organization_id = $1::uuid AND id = $2::uuid',
      organizationId,
      draft.lineId,
    );
    if (!found) throw new Refusal(`lineId ${draft.lineId} is not a line of your organisation.`, 'lineId', 'NOT_FOUND');
    return { siteId: found.siteId, lineId: draft.lineId, assetId: null };
  }
  if (!draft.siteId) throw new Refusal('Name the site, line or asset that stops.', 'siteId');
  await requireSite(db, organizationId, draft.siteId);
  return { siteId: draft.siteId, lineId: null, assetId: null };
}

function checkStop(span: { startsAt: Date; endsAt: Date }, reason: string): void {
  if (!(span.endsAt > span.startsAt)) throw new Refusal('endsAt must be after startsAt.', 'endsAt');
  if (span.endsAt.getTime() - span.startsAt.getTime() > 366 * 86_400_000) throw new Refusal('A planned stop lasts at most 366 days.', 'endsAt');
  if (reason.trim().length < 1 || reason.length > 200) throw new Refusal('reason has 1 to 200 characters.', 'reason');
}

export async function addPlannedStop(db: RawSql, organizationId: string, actor: AuditActor, draft: PlannedStopDraft): Promise<PlannedStop> {
  const place = await placeOf(db, organizationId, draft);
  const span = await spanOf(db, organizationId, place.siteId, draft);
  checkStop(span, draft.reason);
  const stop = await row<PlannedStop>(
    db,
    `INSERT INTO planned_stops (organization_id, site_id, line_id, asset_id, starts_at, ends_at, reason)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7) RETURNING ${STOP_COLUMNS}`,
    organizationId,
    place.siteId,
    place.lineId,
    place.assetId,
    span.startsAt,
    span.endsAt,
    draft.reason,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'planned_stop.created',
    actor,
    subjectType: 'planned_stop',
    subjectId: stop!.id,
    payload: { after: { ...stop!, startsAt: stop!.startsAt.toISOString(), endsAt: stop!.endsAt.toISOString() } },
  });
  return stop!;
}

const REMOVABLE = { shift: 'shifts', site_holiday: 'site_holidays', planned_stop: 'planned_stops' } as const;

/** Removes a shift, holiday or planned stop; audited with what it was. */
export async function removeCalendarEntry(db: RawSql, organizationId: string, actor: AuditActor, subject: keyof typeof REMOVABLE, id: string): Promise<void> {
  const removed = await row<Record<string, unknown>>(
    db,
    `DELETE FROM ${REMOVABLE[subject]} WHERE organization_id = $1::uuid AND id = $2::uuid RETURNING *`,
    organizationId,
    id,
  );
  if (!removed) throw new Refusal(`${id} is not a ${subject.replace('_', ' ')} of your organisation.`, 'id', 'NOT_FOUND');
  await appendAuditEvent(db, {
    organizationId,
    type: `${subject}.removed`,
    actor,
    subjectType: subject,
    subjectId: id,
    payload: { before: JSON.parse(JSON.stringify(removed)) as Record<string, JsonValue> },
  });
}

export interface StopImportProblem {
  /** The CSV record, 1 being the header. */
  row: number;
  message: string;
}

export const PLANNED_STOP_COLUMNS = ['site', 'line', 'asset', 'starts_at', 'ends_at', 'reason'] as const;

/**
 * Planned stops from CSV (site, line, asset codes: the most specific one given; starts_at and
 * ends_at RFC 3339; reason). Every record is checked first: with any problem nothing is written.
 */
export async function importPlannedStops(
  db: RawSql,
  organizationId: string,
  actor: AuditActor,
  csv: string,
  dryRun: boolean,
): Promise<{ stops: number; problems: StopImportProblem[] }> {
  const [header, ...records] = csvRecords(csv).filter((r) => r.some((f) => f.trim() !== ''));
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  const missing = PLANNED_STOP_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0)
    return { stops: 0, problems: [{ row: 1, message: `the header lacks ${missing.join(', ')} (columns: ${PLANNED_STOP_COLUMNS.join(', ')})` }] };
  const codes = await rows<{ kind: string; code: string; id: string }>(
    db,
    `SELECT 'site' AS kind, code, id FROM sites WHERE organization_id = $1::uuid
     UNION ALL SELECT 'line', code, id FROM lines WHERE organization_id = $1::uuid
     UNION ALL SELECT 'asset', code, id FROM assets WHERE organization_id = $1::uuid`,
    organizationId,
  );
  const idOf = new Map(codes.map((c) => [`${c.kind}|${c.code}`, c.id]));
  const problems: StopImportProblem[] = [];
  const drafts: PlannedStopDraft[] = [];
  records.forEach((record, index) => {
    const field = (name: (typeof PLANNED_STOP_COLUMNS)[number]) => csvValue((record[columns.indexOf(name)] ?? '').trim());
    const problem = (message: string) => problems.push({ row: index + 2, message });
    const place: Partial<Record<'siteId' | 'lineId' | 'assetId', string>> = {};
    for (const kind of ['site', 'line', 'asset'] as const) {
      const code = field(kind);
      if (!code) continue;
      const id = idOf.get(`${kind}|${code}`);
      if (!id) return problem(`${kind} ${code} is not in the plant`);
      place[`${kind}Id`] = id;
    }
    const [startsAt, endsAt] = [parseRfc3339(field('starts_at')), parseRfc3339(field('ends_at'))];
    if (!startsAt || !endsAt) return problem(`starts_at and ends_at must be ${RFC3339_HINT}`);
    const draft = { ...place, startsAt, endsAt, reason: field('reason') };
    try {
      checkStop(draft, draft.reason);
      if (!draft.siteId && !draft.lineId && !draft.assetId) throw new Refusal('name the site, line or asset that stops', 'site');
    } catch (error) {
      if (error instanceof Refusal) return problem(error.message);
      throw error;
    }
    drafts.push(draft);
  });
  if (problems.length > 0 || dryRun) return { stops: problems.length > 0 ? 0 : drafts.length, problems };
  for (const draft of drafts) await addPlannedStop(db, organizationId, actor, draft);
  return { stops: drafts.length, problems };
}
