// Scheduled retraining (run by the sweep): every model whose policy sets retrainEveryHours and
// that has a live deployment gets a training run (trigger SCHEDULE) on the last
// retrainWindowHours, from its champion (or the version it runs), when its last scheduled run is
// that old and no run waits or runs. Decided under a lock on the model and started through the
// outbox in the same transaction, so overlapping sweeps start one run.
import type pg from 'pg';
import type { JsonValue } from '../audit/audit-hash.ts';
import { inTransaction, rawSqlOf, row, rows } from '../sql.ts';
import { CHAMPION_ALIAS } from './experiments.ts';
import { modelPolicySchema } from './model-policy.ts';
import { requestTrainingRun } from './training-runs.ts';
import { systemClock } from '../clock.ts';

export async function startScheduledRetraining(pool: pg.Pool, now = systemClock.nowMs()): Promise<string[]> {
  const models = await rows<{ id: string; organizationId: string }>(
    rawSqlOf(pool),
    `SELECT DISTINCT m.id, m.organization_id AS "organizationId" FROM models m
       JOIN model_versions v ON v.organization_id = m.organization_id AND v.model_id = m.id
       JOIN deployments d ON d.organization_id = v.organization_id AND d.model_version_id = v.id AND d.status IN ('ACTIVE', 'FALLBACK')
      WHERE m.policy ? 'retrainEveryHours'`,
  );
  const started: string[] = [];
  for (const m of models) {
    const runId = await inTransaction(pool, async (db) => {
      const model = await row<{ policy: unknown }>(db, 'SELECT policy FROM models WHERE id = $1 FOR UPDATE', m.id);
      const policy = modelPolicySchema.safeParse(model?.policy ?? {});
      if (!policy.success || !policy.data.retrainEveryHours) return null;
      const state = await row<{ busy: boolean; last: Date | null; base: string | null; params: Record<string, JsonValue> | null }>(
        db,
        `SELECT EXISTS (SELECT 1 FROM training_runs WHERE model_id = $1 AND status IN ('QUEUED', 'RUNNING')) AS busy,
                (SELECT max(created_at) FROM training_runs WHERE model_id = $1 AND trigger = 'SCHEDULE') AS last,
                b.id AS base, r.params
           FROM (SELECT coalesce((SELECT model_version_id FROM model_aliases WHERE model_id = $1 AND alias = $2),
                                 (SELECT d.model_version_id FROM deployments d JOIN model_versions v ON v.id = d.model_version_id
                                   WHERE v.model_id = $1 AND d.status IN ('ACTIVE', 'FALLBACK') ORDER BY d.created_at LIMIT 1)) AS id) AS b
           LEFT JOIN model_versions v ON v.id = b.id LEFT JOIN training_runs r ON r.id = v.training_run_id`,
        m.id,
        CHAMPION_ALIAS,
      );
      if (!state || state.busy || (state.last && now - state.last.getTime() < policy.data.retrainEveryHours * 3_600_000)) return null;
      return requestTrainingRun(
        db,
        {
          organizationId: m.organizationId,
          modelId: m.id,
          trigger: 'SCHEDULE',
          baseVersionId: state.base,
          from: new Date(now - policy.data.retrainWindowHours * 3_600_000),
          to: new Date(now),
          params: state.params ?? {},
        },
        { kind: 'SYSTEM', id: null, label: 'worker:retraining-schedule' },
      );
    });
    if (runId) started.push(runId);
  }
  return started;
}
