// A training run's life after it was requested (training-runs.ts): the run as the training job
// reads it, marked running, then either completed (the new signed version registered, the run
// SUCCEEDED, audited, in one transaction and once however often the job runs) or FAILED with its
// reason, audited once.
import type pg from 'pg';
import type { JsonValue } from '../audit/audit-hash.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { SigningKey } from '../audit/audit-keys.ts';
import { inTransaction, rawSqlOf, row, type RawSql } from '../sql.ts';
import { CHAMPION_ALIAS } from './experiments.ts';
import { registerVersion, type NewVersion } from './registry.ts';

export interface RunToTrain {
  id: string;
  organizationId: string;
  modelId: string;
  baseVersionId: string | null;
  status: string;
  dataWindowStartAt: Date;
  dataWindowEndAt: Date;
  params: unknown;
  datasetId: string | null;
  name: string;
  task: string;
  assetTypeId: string | null;
}

export interface RunOutput {
  versionId: string | null;
  version: number | null;
}

export function runToTrain(pool: pg.Pool, organizationId: string, runId: string): Promise<RunToTrain | undefined> {
  return row<RunToTrain>(
    rawSqlOf(pool),
    `SELECT r.id, r.organization_id AS "organizationId", r.model_id AS "modelId", r.base_version_id AS "baseVersionId", r.status::text AS status,
            r.data_window_start_at AS "dataWindowStartAt", r.data_window_end_at AS "dataWindowEndAt", r.params, r.dataset_id AS "datasetId", m.name, m.task::text AS task, m.asset_type_id AS "assetTypeId"
       FROM training_runs r JOIN models m ON m.organization_id = r.organization_id AND m.id = r.model_id
      WHERE r.organization_id = $1 AND r.id = $2`,
    organizationId,
    runId,
  );
}

/** The version a run registered (its newest), or nulls. */
export async function runOutput(db: RawSql, runId: string): Promise<RunOutput> {
  const found = await row<{ id: string; version: number }>(
    db,
    'SELECT id, version FROM model_versions WHERE training_run_id = $1 ORDER BY version DESC LIMIT 1',
    runId,
  );
  return { versionId: found?.id ?? null, version: found?.version ?? null };
}

export async function markRunRunning(pool: pg.Pool, runId: string): Promise<void> {
  await pool.query("UPDATE training_runs SET status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = $1", [runId]);
}

/** What a new version is judged against: the model's champion, or else the version the run was trained from. */
export function versionToCompareWith(
  pool: pg.Pool,
  run: Pick<RunToTrain, 'organizationId' | 'modelId' | 'baseVersionId'>,
): Promise<{ id: string; version: number; threshold: number } | undefined> {
  return row(
    rawSqlOf(pool),
    `SELECT v.id, v.version, v.threshold FROM model_versions v
      WHERE v.organization_id = $1 AND v.id = coalesce((SELECT model_version_id FROM model_aliases WHERE model_id = $2 AND alias = $4), $3::uuid)`,
    run.organizationId,
    run.modelId,
    run.baseVersionId,
    CHAMPION_ALIAS,
  );
}

/** Registers the trained version and marks the run SUCCEEDED, once: a run that already succeeded returns what it registered. */
export function completeTrainingRun(
  pool: pg.Pool,
  run: Pick<RunToTrain, 'id' | 'organizationId'>,
  version: NewVersion,
  key: SigningKey,
  actor: AuditActor,
): Promise<RunOutput> {
  return inTransaction(pool, async (db) => {
    const locked = await row<{ status: string }>(db, 'SELECT status::text AS status FROM training_runs WHERE id = $1 FOR UPDATE', run.id);
    if (locked!.status === 'SUCCEEDED') return runOutput(db, run.id);
    const registered = await registerVersion(db, version, key, actor);
    await db.$executeRawUnsafe(
      "UPDATE training_runs SET status = 'SUCCEEDED', metrics = $2, finished_at = now(), error = NULL WHERE id = $1",
      run.id,
      JSON.stringify(version.metrics),
    );
    await auditRunStatus(db, run, actor, { status: 'SUCCEEDED', versionId: registered.id, version: registered.version });
    return { versionId: registered.id, version: registered.version };
  });
}

/** Marks an unfinished run FAILED, audited; a run already finished is left as it is. */
export async function failTrainingRun(pool: pg.Pool, run: Pick<RunToTrain, 'id' | 'organizationId'>, message: string, actor: AuditActor): Promise<void> {
  await inTransaction(pool, async (db) => {
    const changed = await db.$executeRawUnsafe(
      "UPDATE training_runs SET status = 'FAILED', error = $2, finished_at = now() WHERE id = $1 AND status NOT IN ('SUCCEEDED', 'FAILED')",
      run.id,
      message,
    );
    if (changed === 0) return;
    await auditRunStatus(db, run, actor, { status: 'FAILED', error: message });
  });
}

async function auditRunStatus(
  db: RawSql,
  run: Pick<RunToTrain, 'id' | 'organizationId'>,
  actor: AuditActor,
  payload: Record<string, JsonValue>,
): Promise<void> {
  await appendAuditEvent(db, {
    organizationId: run.organizationId,
    type: 'training_run.updated',
    actor,
    subjectType: 'training_run',
    subjectId: run.id,
    payload,
  });
}
