// The model-training job: trains a queued run (on telemetry windows, its dataset, or labelled camera frames), registers
// the result as a new signed version of its model, and records the run's outcome. Idempotent: a
// run that already succeeded is not trained again; a run that cannot succeed (no data, no asset
// type, a table too small to split) fails at once without retries.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { UnrecoverableError } from 'bullmq';
import type { AuditActor } from '@threadline/db/audit/audit-log';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { trainingSourceOf } from '@threadline/db/models/training-data';
import {
  completeTrainingRun,
  failTrainingRun,
  markRunRunning,
  runOutput,
  runToTrain,
  versionToCompareWith,
  type RunToTrain,
} from '@threadline/db/models/training-outcomes';
import { kpiThresholdRule } from '@threadline/db/models/threshold-prices';
import { trainingParamsProblems, trainingParamsSchema, type ThresholdRule, type TrainingParams } from '@threadline/db/models/training-params';
import { storedDataset } from '@threadline/db/models/datasets';
import { federatedRun } from '@threadline/db/federation/federated-runs';
import { rawSqlOf } from '@threadline/db/sql';
import { seriesLoaderOf } from '@threadline/db/telemetry/feature-series';
import { VersionCache } from '../inference/version-cache.ts';
import { compareWithChampion } from '../ml/champion-comparison.ts';
import { trainModel, TrainingRefused, type RunRule } from '../ml/train-model.ts';
import { trainOnDataset } from '../ml/train-dataset.ts';
import { trainStreamingDetector } from '../ml/train-streaming.ts';
import { trainOnFrames } from '../vision/train-frames.ts';
import { federatedVersion } from '../federation/federated-model.ts';
import { frameStoreFromEnv, type FrameStore } from '@threadline/db/vision/frame-store';

export interface ModelTrainingDeps {
  pool: pg.Pool;
  signingKey: SigningKey;
  /** Keys the champion's signature is checked against before it scores the candidate's holdout. */
  trustedKeys: ReadonlyMap<string, KeyObject>;
  /** Where labelled camera frames are read from (vision models; the configured store unless given). */
  frameStore?: FrameStore;
}

export interface TrainingJobResult {
  trainingRunId: string;
  versionId: string | null;
  version: number | null;
}

export async function runModelTraining(
  deps: ModelTrainingDeps,
  payload: { organizationId: string; trainingRunId: string },
  finalAttempt: boolean,
): Promise<TrainingJobResult> {
  const actor = actorOf(payload.trainingRunId);
  const run = await runToTrain(deps.pool, payload.organizationId, payload.trainingRunId);
  if (!run) throw new UnrecoverableError(`training run ${payload.trainingRunId} not found`);
  if (run.status === 'SUCCEEDED' || run.status === 'FAILED') return { trainingRunId: run.id, ...(await runOutput(rawSqlOf(deps.pool), run.id)) };
  await markRunRunning(deps.pool, run.id);
  try {
    const params = trainingParamsSchema.safeParse(run.params ?? {});
    if (!params.success) throw new TrainingRefused(`invalid training parameters: ${trainingParamsProblems(params.error)}`);
    const rule = await ruleOf(deps.pool, run, params.data.thresholdRule);
    const federated = await federatedRun(rawSqlOf(deps.pool), run.organizationId, run.id);
    const trained = federated
      ? await federatedVersion(federated, run.name)
      : run.datasetId
        ? await fromDataset(deps, run, params.data, rule)
        : params.data.family === 'CNN'
          ? await trainOnFrames(deps.pool, deps.frameStore ?? frameStoreFromEnv(), run, params.data, rule)
          : params.data.family === 'STREAMING'
            ? await trainStreamingDetector(
                trainingSourceOf(deps.pool, run.organizationId, run.assetTypeId),
                { from: run.dataWindowStartAt, to: run.dataWindowEndAt },
                params.data,
              )
            : await fromTelemetry(deps, run, params.data, rule);
    const output = await completeTrainingRun(
      deps.pool,
      run,
      {
        organizationId: run.organizationId,
        modelId: run.modelId,
        ...trained,
        parentVersionId: run.baseVersionId,
        trainingRunId: run.id,
      },
      deps.signingKey,
      actor,
    );
    return { trainingRunId: run.id, ...output };
  } catch (error) {
    const refused = error instanceof TrainingRefused;
    if (refused || finalAttempt) await failTrainingRun(deps.pool, run, error instanceof Error ? error.message : String(error), actor);
    throw refused ? new UnrecoverableError(error.message) : error;
  }
}

/** A version trained on telemetry windows, judged against the champion on the same holdout. */
async function fromTelemetry(deps: ModelTrainingDeps, run: RunToTrain, params: TrainingParams, rule: RunRule) {
  const outcome = await trainModel(
    trainingSourceOf(deps.pool, run.organizationId, run.assetTypeId),
    { id: run.modelId, name: run.name, task: run.task, assetTypeId: run.assetTypeId },
    { from: run.dataWindowStartAt, to: run.dataWindowEndAt },
    params,
    rule,
  );
  return {
    family: outcome.family,
    onnx: outcome.onnx,
    featureSpec: outcome.spec,
    threshold: outcome.threshold,
    metrics: { ...outcome.metrics, ...(await comparison(deps, run, outcome)) },
    referenceProfile: { features: outcome.profile, score: outcome.scoreProfile },
  };
}

/** A version trained on the run's dataset. */
async function fromDataset(deps: ModelTrainingDeps, run: RunToTrain, params: TrainingParams, rule: RunRule) {
  const dataset = await storedDataset(rawSqlOf(deps.pool), run.organizationId, run.datasetId!);
  if (!dataset) throw new TrainingRefused(`dataset ${run.datasetId} not found`);
  return { ...(await trainOnDataset(dataset, run.name, params, rule)), referenceProfile: {} };
}

/** The candidate judged against the champion (or the version it was trained from) on the same holdout. */
async function comparison(deps: ModelTrainingDeps, run: RunToTrain, outcome: Awaited<ReturnType<typeof trainModel>>) {
  const against = await versionToCompareWith(deps.pool, run);
  if (!against) return {};
  const versions = new VersionCache(deps.pool, deps.trustedKeys);
  try {
    const loaded = await versions.get(run.organizationId, against.id);
    return {
      comparedWithChampion: await compareWithChampion(
        seriesLoaderOf(deps.pool, run.organizationId),
        against,
        loaded.ok && loaded.kind === 'STREAMING' ? { ok: false, reason: 'the version it is compared with is a streaming detector' } : loaded,
        outcome.holdout,
        outcome.holdoutScores,
        outcome.threshold,
      ),
    };
  } finally {
    await versions.close();
  }
}

/** The run's threshold rule: its parameters', else the prices of the use case's KPI valuing the model, else best F1. */
async function ruleOf(pool: pg.Pool, run: RunToTrain, stated: ThresholdRule | undefined): Promise<RunRule> {
  if (stated) return { rule: stated, source: 'training parameters' };
  const priced = await kpiThresholdRule(rawSqlOf(pool), run.organizationId, run.modelId);
  return priced ? { rule: priced.rule, source: `KPI ${priced.kpi.name}` } : { rule: { kind: 'BEST_F1' }, source: 'default' };
}

const actorOf = (trainingRunId: string): AuditActor => ({ kind: 'SYSTEM', id: null, label: `training-run:${trainingRunId}` });

/** The training job failed for good where no attempt could record it (it stalled too often): the run is FAILED, not left running. */
export async function abandonModelTraining(pool: pg.Pool, payload: { organizationId: string; trainingRunId: string }, reason: string): Promise<void> {
  await failTrainingRun(
    pool,
    { id: payload.trainingRunId, organizationId: payload.organizationId },
    `the training job failed for good: ${reason}`,
    actorOf(payload.trainingRunId),
  );
}
