// The model-training job: trains a queued run, registers the result as a new signed version of
// its model, and records the run's outcome. Idempotent: a run that already succeeded is not
// trained again; a run that cannot succeed (no data, no asset type) fails at once without retries.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { UnrecoverableError } from 'bullmq';
import { appendAuditEvent, rawSqlOf, type AuditActor } from '@threadline/db/audit/audit-log';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { CHAMPION_ALIAS } from '@threadline/db/models/experiments';
import { registerVersion } from '@threadline/db/models/registry';
import { inTransaction } from '../db-transaction.ts';
import { trainingParamsProblems, trainingParamsSchema } from '@threadline/db/models/training-params';
import { compareWithChampion } from '../ml/champion-comparison.ts';
import { trainModel, TrainingRefused } from '../ml/train-model.ts';

export interface ModelTrainingDeps {
  pool: pg.Pool;
  signingKey: SigningKey;
  /** Keys the champion's signature is checked against before it scores the candidate's holdout. */
  trustedKeys: ReadonlyMap<string, KeyObject>;
}

export interface TrainingJobResult {
  trainingRunId: string;
  versionId: string | null;
  version: number | null;
}

interface RunRow {
  id: string; organization_id: string; model_id: string; base_version_id: string | null; status: string;
  data_window_start_at: Date; data_window_end_at: Date; params: unknown;
  name: string; task: string; asset_type_id: string | null;
}

export async function runModelTraining(deps: ModelTrainingDeps, payload: { organizationId: string; trainingRunId: string }, finalAttempt: boolean): Promise<TrainingJobResult> {
  const actor: AuditActor = { kind: 'SYSTEM', id: null, label: `training-run:${payload.trainingRunId}` };
  const { rows: [run] } = await deps.pool.query<RunRow>(
    `SELECT r.*, m.name, m.task, m.asset_type_id FROM training_runs r JOIN models m ON m.organization_id = r.organization_id AND m.id = r.model_id
      WHERE r.organization_id = $1 AND r.id = $2`, [payload.organizationId, payload.trainingRunId]);
  if (!run) throw new UnrecoverableError(`training run ${payload.trainingRunId} not found`);
  const done = await outputOf(deps.pool, run.id);
  if (run.status === 'SUCCEEDED' || run.status === 'FAILED') return { trainingRunId: run.id, versionId: done?.id ?? null, version: done?.version ?? null };
  await deps.pool.query("UPDATE training_runs SET status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = $1", [run.id]);
  try {
    const params = trainingParamsSchema.safeParse(run.params ?? {});
    if (!params.success) throw new TrainingRefused(`invalid training parameters: ${trainingParamsProblems(params.error)}`);
    const outcome = await trainModel(deps.pool, { organizationId: run.organization_id, id: run.model_id, name: run.name, task: run.task, assetTypeId: run.asset_type_id },
      { from: run.data_window_start_at, to: run.data_window_end_at }, params.data);
    // Judged against the champion (or the version it was trained from) on the same holdout.
    const { rows: [against] } = await deps.pool.query<{ id: string; version: number; threshold: number }>(
      `SELECT v.id, v.version, v.threshold FROM model_versions v
        WHERE v.organization_id = $1 AND v.id = coalesce((SELECT model_version_id FROM model_aliases WHERE model_id = $2 AND alias = $4), $3::uuid)`,
      [run.organization_id, run.model_id, run.base_version_id, CHAMPION_ALIAS]);
    const metrics = against
      ? { ...outcome.metrics, comparedWithChampion: await compareWithChampion(deps.pool, deps.trustedKeys, run.organization_id, against, outcome.holdout, outcome.holdoutScores, outcome.threshold) }
      : outcome.metrics;
    return await inTransaction(deps.pool, async (client) => {
      const { rows: [locked] } = await client.query<{ status: string }>('SELECT status FROM training_runs WHERE id = $1 FOR UPDATE', [run.id]);
      if (locked!.status === 'SUCCEEDED') {
        const existing = await outputOf(client, run.id);
        return { trainingRunId: run.id, versionId: existing?.id ?? null, version: existing?.version ?? null };
      }
      const db = rawSqlOf(client);
      const registered = await registerVersion(db, {
        organizationId: run.organization_id, modelId: run.model_id, family: outcome.family, onnx: outcome.onnx, featureSpec: outcome.spec,
        threshold: outcome.threshold, metrics, referenceProfile: { features: outcome.profile, score: outcome.scoreProfile },
        parentVersionId: run.base_version_id, trainingRunId: run.id,
      }, deps.signingKey, actor);
      await client.query("UPDATE training_runs SET status = 'SUCCEEDED', metrics = $2, finished_at = now(), error = NULL WHERE id = $1", [run.id, JSON.stringify(metrics)]);
      await appendAuditEvent(db, { organizationId: run.organization_id, type: 'training_run.updated', actor, subjectType: 'training_run', subjectId: run.id, payload: { v: 1, status: 'SUCCEEDED', versionId: registered.id, version: registered.version } });
      return { trainingRunId: run.id, versionId: registered.id, version: registered.version };
    });
  } catch (error) {
    const refused = error instanceof TrainingRefused;
    if (refused || finalAttempt) await markFailed(deps.pool, run, error instanceof Error ? error.message : String(error), actor);
    throw refused ? new UnrecoverableError(error.message) : error;
  }
}

async function outputOf(db: pg.Pool | pg.PoolClient, runId: string): Promise<{ id: string; version: number } | undefined> {
  return (await db.query<{ id: string; version: number }>('SELECT id, version FROM model_versions WHERE training_run_id = $1 ORDER BY version DESC LIMIT 1', [runId])).rows[0];
}

/** Marks an unfinished run FAILED, audited; a run already finished is left as it is. */
async function markFailed(pool: pg.Pool, run: Pick<RunRow, 'id' | 'organization_id'>, message: string, actor: AuditActor): Promise<void> {
  await inTransaction(pool, async (client) => {
    const { rowCount } = await client.query("UPDATE training_runs SET status = 'FAILED', error = $2, finished_at = now() WHERE id = $1 AND status NOT IN ('SUCCEEDED', 'FAILED')", [run.id, message]);
    if (rowCount === 0) return;
    await appendAuditEvent(rawSqlOf(client), { organizationId: run.organization_id, type: 'training_run.updated', actor, subjectType: 'training_run', subjectId: run.id, payload: { v: 1, status: 'FAILED', error: message } });
  });
}

/** The training job failed for good where no attempt could record it (it stalled too often): the run is FAILED, not left running. */
export async function abandonModelTraining(pool: pg.Pool, payload: { organizationId: string; trainingRunId: string }, reason: string): Promise<void> {
  await markFailed(pool, { id: payload.trainingRunId, organization_id: payload.organizationId }, `the training job failed for good: ${reason}`,
    { kind: 'SYSTEM', id: null, label: `training-run:${payload.trainingRunId}` });
}
