// Champion/challenger experiments on one live champion deployment. An A/B test runs a candidate
// version as challenger on a deterministic share of the deployment's assets (deployment-scope.ts);
// a shadow test scores every asset and acts on none. Starting creates the challenger's deployment
// on the same target and scope; ending retires it, so its assets go back to the champion. Moving
// the champion alias ends the model's running experiments: concluded with the challenger promoted
// when it became the champion, aborted otherwise (the arms no longer compare what they named).
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { row, rows, type RawSql } from '../sql.ts';
import { storedFeatureSpec, type FeatureSpec } from './feature-spec.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { DEPLOYMENT_ASSETS_SQL } from './deployment-scope.ts';
import { Refusal } from '../refusal.ts';
import { createDeployment, retireDeployment } from './deployments.ts';

export const CHAMPION_ALIAS = 'champion';

/** Per-window losses of a risk score against the incident label; lower is better for both. */
export const EXPERIMENT_METRICS = ['brier', 'log_loss'] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

/** The test each kind states: arms of different assets are independent; a shadow pairs windows. */
export const TEST_OF_KIND = { AB_TEST: 'welch_t', SHADOW: 'paired_t' } as const;
export type ExperimentKind = keyof typeof TEST_OF_KIND;

export type ExperimentDecision = 'PROMOTE_CHALLENGER' | 'KEEP_CHAMPION' | 'INCONCLUSIVE';

export interface NewExperiment {
  organizationId: string;
  championDeploymentId: string;
  challengerVersionId: string;
  kind: ExperimentKind;
  /** Share of the champion deployment's assets the challenger takes (A/B tests only). */
  trafficShare: number;
  metric: ExperimentMetric;
  /** The challenger's deployment first scores its arm from this time (a backfill, as deployments may). */
  scoreFrom?: Date | null;
}

export interface StartedExperiment {
  id: string;
  challengerDeploymentId: string;
  /** Assets the challenger scores (all of them for a shadow). */
  challengerAssets: number;
  assets: number;
}

export async function startExperiment(db: RawSql, input: NewExperiment, actor: AuditActor): Promise<StartedExperiment> {
  const [champion] = await db.$queryRawUnsafe<
    {
      id: string;
      mode: string;
      status: string;
      asset_id: string | null;
      edge_target_id: string;
      model_version_id: string;
      model_id: string;
      target_kind: string;
    }[]
  >(
    `SELECT d.id, d.mode, d.status, d.asset_id, d.edge_target_id, d.model_version_id, v.model_id, e.kind AS target_kind
       FROM deployments d JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
       JOIN edge_targets e ON e.organization_id = d.organization_id AND e.id = d.edge_target_id
      WHERE d.organization_id = $1::uuid AND d.id = $2::uuid FOR UPDATE OF d`,
    input.organizationId,
    input.championDeploymentId,
  );
  if (!champion) throw new Refusal('no such deployment', 'championDeploymentId');
  if (champion.mode !== 'CHAMPION' || (champion.status !== 'ACTIVE' && champion.status !== 'FALLBACK'))
    throw new Refusal('the deployment is not a live champion deployment', 'championDeploymentId');
  if (champion.target_kind !== 'CLOUD')
    throw new Refusal('experiments run on deployments the cloud workers score; an edge device scores the version in its bundle', 'championDeploymentId');
  if (champion.model_version_id === input.challengerVersionId)
    throw new Refusal('the challenger is the version the champion deployment already runs', 'challengerVersionId');
  const [running] = await db.$queryRawUnsafe<{ id: string }[]>(
    "SELECT id FROM experiments WHERE organization_id = $1::uuid AND champion_deployment_id = $2::uuid AND status = 'RUNNING'",
    input.organizationId,
    champion.id,
  );
  if (running) throw new Refusal(`experiment ${running.id} already runs on this deployment; end it first`, 'championDeploymentId');
  const [{ n }] = (await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM (${DEPLOYMENT_ASSETS_SQL}) AS s WHERE deployment_id = $2::uuid`,
    input.organizationId,
    champion.id,
  )) as [{ n: number }];
  const share = input.kind === 'AB_TEST' ? input.trafficShare : 1;
  const challengerAssets = Math.round(share * n);
  if (input.kind === 'AB_TEST' && (challengerAssets < 1 || challengerAssets >= n)) {
    throw new Refusal(
      `a share of ${input.trafficShare} gives the challenger ${challengerAssets} of the deployment's ${n} assets; each arm needs at least one`,
      'trafficShare',
    );
  }
  const deployment = await createDeployment(
    db,
    {
      organizationId: input.organizationId,
      modelId: champion.model_id,
      versionId: input.challengerVersionId,
      alias: null,
      edgeTargetId: champion.edge_target_id,
      assetId: champion.asset_id,
      mode: input.kind === 'AB_TEST' ? 'CHALLENGER' : 'SHADOW',
      trafficShare: share,
      scoreFrom: input.scoreFrom ?? null,
    },
    actor,
  );
  const statisticalTest = TEST_OF_KIND[input.kind];
  const [row] = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO experiments (organization_id, model_id, champion_version_id, challenger_version_id, kind, traffic_share, metric, statistical_test,
                              champion_deployment_id, challenger_deployment_id, started_by_id)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::experiment_kind, $6, $7, $8, $9::uuid, $10::uuid, $11::uuid) RETURNING id`,
    input.organizationId,
    champion.model_id,
    champion.model_version_id,
    deployment.versionId,
    input.kind,
    share,
    input.metric,
    statisticalTest,
    champion.id,
    deployment.id,
    actor.kind === 'USER' ? actor.id : null,
  );
  await appendAuditEvent(db, {
    organizationId: input.organizationId,
    type: 'experiment.started',
    actor,
    subjectType: 'experiment',
    subjectId: row!.id,
    payload: {
      modelId: champion.model_id,
      kind: input.kind,
      trafficShare: share,
      metric: input.metric,
      statisticalTest,
      championVersionId: champion.model_version_id,
      challengerVersionId: deployment.versionId,
      championDeploymentId: champion.id,
      challengerDeploymentId: deployment.id,
      challengerAssets,
      assets: n,
    },
  });
  return { id: row!.id, challengerDeploymentId: deployment.id, challengerAssets, assets: n };
}

export interface ExperimentEnding {
  status: 'CONCLUDED' | 'ABORTED';
  decision: ExperimentDecision | null;
  reason: string;
}

/** Ends a running experiment and retires its challenger deployment; false when it was not running. */
export async function endExperiment(
  db: RawSql,
  organizationId: string,
  experimentId: string,
  ending: ExperimentEnding,
  actor: AuditActor,
  evidence: Record<string, JsonValue> = {},
): Promise<boolean> {
  const [ended] = await db.$queryRawUnsafe<{ challenger_deployment_id: string; result: JsonValue }[]>(
    `UPDATE experiments SET status = $3::experiment_status, decision = $4::experiment_decision, decided_by_id = $5::uuid, decided_at = now(), ended_at = now()
      WHERE organization_id = $1::uuid AND id = $2::uuid AND status = 'RUNNING' RETURNING challenger_deployment_id, result`,
    organizationId,
    experimentId,
    ending.status,
    ending.decision,
    actor.kind === 'USER' ? actor.id : null,
  );
  if (!ended) return false;
  await retireDeployment(db, organizationId, ended.challenger_deployment_id, actor);
  await appendAuditEvent(db, {
    organizationId,
    type: 'experiment.ended',
    actor,
    subjectType: 'experiment',
    subjectId: experimentId,
    payload: { status: ending.status, decision: ending.decision, reason: ending.reason, result: ended.result, ...evidence },
  });
  return true;
}

/** Ends the model's running experiments once the champion alias names `versionId`. */
export async function endExperimentsOnChampionMove(db: RawSql, organizationId: string, modelId: string, versionId: string, actor: AuditActor): Promise<void> {
  const running = await db.$queryRawUnsafe<{ id: string; challenger_version_id: string }[]>(
    "SELECT id, challenger_version_id FROM experiments WHERE organization_id = $1::uuid AND model_id = $2::uuid AND status = 'RUNNING' FOR UPDATE",
    organizationId,
    modelId,
  );
  for (const x of running) {
    const promoted = x.challenger_version_id === versionId;
    await endExperiment(
      db,
      organizationId,
      x.id,
      promoted
        ? { status: 'CONCLUDED', decision: 'PROMOTE_CHALLENGER', reason: 'the challenger became the champion' }
        : { status: 'ABORTED', decision: null, reason: 'the champion moved to another version' },
      actor,
    );
  }
}

/** Every organisation's running experiments. */
export function runningExperiments(db: RawSql): Promise<{ id: string; organizationId: string }[]> {
  return rows<{ id: string; organizationId: string }>(db, `SELECT id, organization_id AS "organizationId" FROM experiments WHERE status = 'RUNNING'`);
}

export interface ExperimentToEvaluate {
  kind: 'AB_TEST' | 'SHADOW';
  metric: ExperimentMetric;
  modelId: string;
  challengerVersionId: string;
  championDeploymentId: string;
  challengerDeploymentId: string;
  /** Epoch ms. */
  started: number;
  policy: unknown;
  /** The champion version's feature spec (parsed; null when invalid) and training parameters (window and horizon). */
  featureSpec: FeatureSpec | null;
  params: unknown;
}

/** A running experiment with what its evaluation needs; undefined when it is not running. */
export async function experimentToEvaluate(db: RawSql, organizationId: string, experimentId: string): Promise<ExperimentToEvaluate | undefined> {
  const found = await row<ExperimentToEvaluate>(
    db,
    `SELECT x.kind, x.metric, x.model_id AS "modelId", x.challenger_version_id AS "challengerVersionId", x.champion_deployment_id AS "championDeploymentId",
            x.challenger_deployment_id AS "challengerDeploymentId", extract(epoch FROM x.started_at) * 1000 AS started, m.policy, v.feature_spec AS "featureSpec", r.params
       FROM experiments x JOIN models m ON m.organization_id = x.organization_id AND m.id = x.model_id
       JOIN model_versions v ON v.organization_id = x.organization_id AND v.id = x.champion_version_id
       LEFT JOIN training_runs r ON r.organization_id = v.organization_id AND r.id = v.training_run_id
      WHERE x.organization_id = $1 AND x.id = $2 AND x.status = 'RUNNING'`,
    organizationId,
    experimentId,
  );
  return found && { ...found, started: Number(found.started), featureSpec: storedFeatureSpec(found.featureSpec) };
}

/** Stores an evaluation's result on a running experiment; false when it is no longer running. */
export async function recordExperimentResult(db: RawSql, organizationId: string, experimentId: string, result: JsonValue, evaluatedAt: Date): Promise<boolean> {
  const changed = await db.$executeRawUnsafe(
    "UPDATE experiments SET result = $3, evaluated_at = $4 WHERE organization_id = $1 AND id = $2 AND status = 'RUNNING'",
    organizationId,
    experimentId,
    JSON.stringify(result),
    evaluatedAt,
  );
  return changed > 0;
}
