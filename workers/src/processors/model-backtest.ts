// The model-backtest job: scores a version over its backtest's history (a dataset, or a telemetry
// window) through the verified graph, and records the figures once. A backtest that cannot succeed
// (a refused artifact, a dataset without the version's columns) fails at once without retries.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { UnrecoverableError } from 'bullmq';
import type { AuditActor } from '@threadline/db/audit/audit-log';
import { backtestToRun, detectorBacktestSignals, finishBacktest, type BacktestToRun } from '@threadline/db/models/backtests';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { isStreamingSpec } from '@threadline/db/models/streaming-spec';
import { storedDataset } from '@threadline/db/models/datasets';
import { Refusal } from '@threadline/db/refusal';
import { kpiThresholdRule } from '@threadline/db/models/threshold-prices';
import { trainingSourceOf } from '@threadline/db/models/training-data';
import { horizonMsOf, trainingParamsSchema } from '@threadline/db/models/training-params';
import { loadTableArtifact, loadVersionArtifact } from '@threadline/db/models/version-artifacts';
import { rawSqlOf } from '@threadline/db/sql';
import { scoredFigures, tableOutcomes, telemetryOutcomes, type BacktestFigures, type Prices } from '../ml/backtest.ts';
import { scoreDataset, scoreTelemetry } from '../ml/score-history.ts';
import { detectorFigures, playDetector, type AnomalyLabel } from '../ml/detector-evaluation.ts';

export interface BacktestDeps {
  pool: pg.Pool;
  trustedKeys: ReadonlyMap<string, KeyObject>;
}

export async function runBacktest(
  deps: BacktestDeps,
  payload: { organizationId: string; backtestId: string },
  finalAttempt: boolean,
): Promise<{ backtestId: string }> {
  const db = rawSqlOf(deps.pool);
  const backtest = await backtestToRun(db, payload.organizationId, payload.backtestId);
  if (!backtest) throw new UnrecoverableError(`backtest ${payload.backtestId} not found`);
  if (backtest.status === 'SUCCEEDED' || backtest.status === 'FAILED') return { backtestId: backtest.id };
  const actor: AuditActor = { kind: 'SYSTEM', id: null, label: `backtest:${backtest.id}` };
  try {
    const priced = backtest.modelId ? await kpiThresholdRule(db, backtest.organizationId, backtest.modelId) : null;
    const prices: Prices | null = priced ? { kpi: priced.kpi.name, ...priced.prices } : null;
    const result = !backtest.versionId
      ? await onDetector(deps, backtest, null)
      : backtest.datasetId
        ? await onDataset(deps, backtest, prices)
        : await onTelemetry(deps, backtest, prices);
    await finishBacktest(db, backtest, { result }, actor);
    return { backtestId: backtest.id };
  } catch (error) {
    const refused = error instanceof Refusal;
    if (refused || finalAttempt) await finishBacktest(db, backtest, { error: error instanceof Error ? error.message : String(error) }, actor);
    throw refused ? new UnrecoverableError(error.message) : error;
  }
}

async function onDataset(deps: BacktestDeps, backtest: BacktestToRun, prices: Prices | null): Promise<BacktestFigures> {
  const db = rawSqlOf(deps.pool);
  const artifact = await loadTableArtifact(db, backtest.organizationId, backtest.versionId!, deps.trustedKeys);
  if (!artifact.ok) throw new Refusal(`the version is refused: ${artifact.reason}`, 'versionId');
  const dataset = await storedDataset(db, backtest.organizationId, backtest.datasetId!);
  if (!dataset) throw new Refusal(`dataset ${backtest.datasetId} not found`, 'datasetId');
  const { scores, labels } = await scoreDataset(artifact.onnx, artifact.spec, dataset);
  return {
    kind: 'DATASET',
    dataset: dataset.name,
    ...scoredFigures(scores, labels, backtest.threshold),
    ...tableOutcomes(scores, labels, backtest.threshold, prices),
  };
}

async function onTelemetry(deps: BacktestDeps, backtest: BacktestToRun, prices: Prices | null): Promise<BacktestFigures> {
  const artifact = await loadVersionArtifact(rawSqlOf(deps.pool), backtest.organizationId, backtest.versionId!, deps.trustedKeys);
  if (!artifact.ok) throw new Refusal(`the version is refused: ${artifact.reason}`, 'versionId');
  if (isStreamingSpec(artifact.spec)) return onDetector(deps, backtest, artifact.spec);
  const params = trainingParamsSchema.safeParse(backtest.runParams ?? {});
  const stepSeconds = params.success ? params.data.trainingStepSeconds : 60;
  const horizonMs = horizonMsOf(backtest.runParams);
  const { windows, incidents } = await scoreTelemetry(
    trainingSourceOf(deps.pool, backtest.organizationId, backtest.assetTypeId),
    artifact.onnx,
    artifact.spec,
    {
      from: backtest.from!,
      to: backtest.to!,
      stepSeconds,
      horizonMinutes: horizonMs / 60_000,
    },
  );
  const scores = windows.map((w) => w.score);
  const labels = windows.map((w) => w.label);
  return {
    kind: 'TELEMETRY',
    horizonMinutes: horizonMs / 60_000,
    ...scoredFigures(scores, labels, backtest.threshold),
    ...telemetryOutcomes(windows, incidents, backtest.threshold, horizonMs, stepSeconds * 1000, prices),
  };
}

/**
 * A streaming detector over the window: the signals asked for (every signal of its spec on every
 * asset of its type without them) played from the window's start, judged against the labels
 * given (a label without an asset applies to every asset) or else the window's incidents. Without
 * a version (`spec` null), the detector's own settings on the named signals, on the grid and at
 * the threshold the backtest states.
 */
async function onDetector(deps: BacktestDeps, backtest: BacktestToRun, versionSpec: FeatureSpec | null): Promise<BacktestFigures> {
  const source = trainingSourceOf(deps.pool, backtest.organizationId, backtest.assetTypeId);
  const chosen = backtest.params.signalIds ? await detectorBacktestSignals(rawSqlOf(deps.pool), backtest.organizationId, backtest.params.signalIds) : null;
  const stepSeconds = versionSpec?.stepSeconds ?? backtest.params.spec!.stepSeconds;
  const spec: FeatureSpec = versionSpec ?? {
    version: 1,
    detector: 'STREAMING',
    windowSeconds: stepSeconds,
    stepSeconds,
    signals: [...new Map(chosen!.map((c) => [c.name, { name: c.name, unit: c.unit, min: null, max: null }])).values()],
    aggregates: ['last'],
    reference: [],
  };
  let assets = versionSpec ? await source.assets(null) : [...new Set(chosen!.map((c) => c.assetId))];
  let signals = spec.signals;
  if (chosen && versionSpec) {
    assets = assets.filter((a) => chosen.some((c) => c.assetId === a));
    signals = signals.filter((s) => chosen.some((c) => c.name === s.name));
    if (assets.length === 0 || signals.length === 0) throw new Refusal("none of the signals is one the detector watches on the model's assets", 'signalIds');
  }
  const [from, to] = [backtest.from!.getTime(), backtest.to!.getTime()];
  const given = backtest.params.labels;
  const labels: AnomalyLabel[] = given
    ? given.flatMap((l) => (l.assetId ? [l.assetId] : assets).map((assetId) => ({ assetId, start: Date.parse(l.start), end: Date.parse(l.end) })))
    : (await source.incidents(assets, from, to)).map((i) => ({ assetId: i.assetId, start: i.start, end: i.end }));
  const played = await playDetector(source.series, { ...spec, signals, reference: signals.map(() => 0) }, assets, { from, to }, labels);
  const horizonMs = horizonMsOf(backtest.runParams);
  const figures = detectorFigures(played, backtest.threshold, spec.stepSeconds * 1000, horizonMs);
  return {
    kind: 'DETECTOR',
    labelsFrom: given ? 'given' : 'incidents',
    horizonMinutes: horizonMs / 60_000,
    ...figures,
  };
}
