// Backtests (issue 18, item 6): a version scored over a labelled history through the same features
// and graph it runs in production, a dataset for a version trained on a table or a telemetry window
// for one trained on telemetry. Requested with its audit event and job in the caller's transaction
// (the outbox), scored by the workers (workers/src/processors/model-backtest.ts), finished once.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { modelBacktestJob } from '../jobs.ts';
import { addToOutbox } from '../outbox.ts';
import { Refusal } from '../refusal.ts';
import { row, rows, written, type RawSql } from '../sql.ts';
import { storedTableSpec } from './table-spec.ts';

export interface BacktestRequest {
  organizationId: string;
  /** The version; none for a streaming detector backtested by its spec (`detector.spec`). */
  versionId: string | null;
  datasetId: string | null;
  from: Date | null;
  to: Date | null;
  /** A streaming detector's backtest: the signals to play (all of its assets' without them) and the anomaly windows to judge it by (the incidents without them). */
  detector?: DetectorBacktestParams;
}

export interface DetectorBacktestParams {
  signalIds: string[] | null;
  labels: { assetId: string | null; start: Date; end: Date }[] | null;
  /** Without a version: the detector's own settings on the named signals, on this grid, at this threshold. */
  spec?: { stepSeconds: number; threshold: number } | null;
}

/** The longest telemetry window one backtest scores. */
export const MAX_BACKTEST_WINDOW_MS = 92 * 86_400_000;

/** Queues a backtest; refuses a dataset for a telemetry version, a window for a table version, and a window that is not one. */
export async function requestBacktest(db: RawSql, request: BacktestRequest, actor: AuditActor): Promise<string> {
  if (!request.versionId) {
    if (!request.detector?.spec) throw new Refusal('Give a version, or a detector spec.', 'versionId');
    if (!request.detector.signalIds?.length) throw new Refusal('A detector backtested by its spec needs the signals it plays.', 'signalIds');
    return createBacktest(db, request, { ...(await detectorParams(db, request.organizationId, request.detector)), spec: request.detector.spec }, actor);
  }
  const version = await row<{ featureSpec: unknown; family: string }>(
    db,
    'SELECT feature_spec AS "featureSpec", family FROM model_versions WHERE organization_id = $1::uuid AND id = $2::uuid',
    request.organizationId,
    request.versionId,
  );
  if (!version) throw new Refusal(`No model version ${request.versionId}.`, 'versionId', 'NOT_FOUND');
  if ((version.family === 'STREAMING') !== Boolean(request.detector))
    throw new Refusal(
      version.family === 'STREAMING'
        ? 'The version is a streaming detector: backtest it with backtestDetector.'
        : 'The version is not a streaming detector: backtest it with backtestModel.',
      'versionId',
    );
  const params = request.detector ? await detectorParams(db, request.organizationId, request.detector) : {};
  const onTable = storedTableSpec(version.featureSpec) !== null;
  if (request.datasetId) {
    if (!onTable) throw new Refusal('The version was trained on telemetry: backtest it over a window (from, to), not a dataset.', 'datasetId');
    const dataset = await row(db, 'SELECT 1 FROM datasets WHERE organization_id = $1::uuid AND id = $2::uuid', request.organizationId, request.datasetId);
    if (!dataset) throw new Refusal(`No dataset ${request.datasetId}.`, 'datasetId', 'NOT_FOUND');
  } else if (onTable) throw new Refusal('The version was trained on a table: backtest it over a dataset.', 'datasetId');
  return createBacktest(db, request, params, actor);
}

/** Stores a checked request with its audit event and job; a telemetry window must be one of at most 92 days. */
async function createBacktest(db: RawSql, request: BacktestRequest, params: Record<string, JsonValue>, actor: AuditActor): Promise<string> {
  if (!request.datasetId) {
    if (!request.from || !request.to) throw new Refusal('Give a dataset, or a window with from and to.', 'from');
    if (request.to <= request.from) throw new Refusal('to must be after from.', 'to');
    if (request.to.getTime() - request.from.getTime() > MAX_BACKTEST_WINDOW_MS) throw new Refusal('A backtest window may span at most 92 days.', 'from');
  }
  const created = await written<{ id: string }>(
    db,
    `INSERT INTO backtests (organization_id, model_version_id, dataset_id, window_start_at, window_end_at, requested_by_id, params)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::uuid, $7::jsonb) RETURNING id`,
    request.organizationId,
    request.versionId,
    request.datasetId,
    request.datasetId ? null : request.from,
    request.datasetId ? null : request.to,
    actor.kind === 'USER' ? actor.id : null,
    JSON.stringify(params),
  );
  await appendAuditEvent(db, {
    organizationId: request.organizationId,
    type: 'backtest.created',
    actor,
    subjectType: 'backtest',
    subjectId: created!.id,
    payload: {
      modelVersionId: request.versionId,
      datasetId: request.datasetId,
      from: request.datasetId ? null : request.from!.toISOString(),
      to: request.datasetId ? null : request.to!.toISOString(),
    },
  });
  await addToOutbox(db, modelBacktestJob, {
    organizationId: request.organizationId,
    jobId: `backtest-${created!.id}`,
    payload: { organizationId: request.organizationId, backtestId: created!.id },
  });
  return created!.id;
}

/** A detector backtest's parameters as stored; refuses signals or assets not of the organisation and labels that end before they start. */
async function detectorParams(db: RawSql, organizationId: string, detector: DetectorBacktestParams): Promise<Record<string, JsonValue>> {
  if (detector.signalIds) {
    const found = await rows<{ id: string }>(
      db,
      'SELECT id FROM signals WHERE organization_id = $1::uuid AND id = ANY($2::uuid[])',
      organizationId,
      detector.signalIds,
    );
    const missing = detector.signalIds.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw new Refusal(`No signal ${missing.join(', ')}.`, 'signalIds', 'NOT_FOUND');
  }
  for (const [i, label] of (detector.labels ?? []).entries())
    if (label.end <= label.start) throw new Refusal(`Label ${i + 1} ends before it starts.`, 'labels');
  const assetIds = [...new Set((detector.labels ?? []).flatMap((l) => (l.assetId ? [l.assetId] : [])))];
  if (assetIds.length > 0) {
    const found = await rows<{ id: string }>(db, 'SELECT id FROM assets WHERE organization_id = $1::uuid AND id = ANY($2::uuid[])', organizationId, assetIds);
    if (found.length < assetIds.length) throw new Refusal('A label names an asset that is not in your organisation.', 'labels', 'NOT_FOUND');
  }
  return {
    signalIds: detector.signalIds,
    labels: detector.labels?.map((l) => ({ assetId: l.assetId, start: l.start.toISOString(), end: l.end.toISOString() })) ?? null,
  };
}

/** The assets, names and units of a detector backtest's signals. */
export function detectorBacktestSignals(
  db: RawSql,
  organizationId: string,
  signalIds: readonly string[],
): Promise<{ assetId: string; name: string; unit: string | null }[]> {
  return rows(db, 'SELECT asset_id AS "assetId", name, unit FROM signals WHERE organization_id = $1::uuid AND id = ANY($2::uuid[])', organizationId, signalIds);
}

export interface BacktestToRun {
  id: string;
  organizationId: string;
  /** Null for a detector backtested by its spec. */
  versionId: string | null;
  modelId: string | null;
  assetTypeId: string | null;
  threshold: number;
  runParams: unknown;
  datasetId: string | null;
  from: Date | null;
  to: Date | null;
  status: string;
  params: {
    signalIds?: string[] | null;
    labels?: { assetId: string | null; start: string; end: string }[] | null;
    spec?: { stepSeconds: number; threshold: number } | null;
  };
}

export function backtestToRun(db: RawSql, organizationId: string, id: string): Promise<BacktestToRun | undefined> {
  return row<BacktestToRun>(
    db,
    `SELECT b.id, b.organization_id AS "organizationId", b.model_version_id AS "versionId", v.model_id AS "modelId", m.asset_type_id AS "assetTypeId", coalesce(v.threshold, (b.params -> 'spec' ->> 'threshold')::float8) AS threshold,
            r.params AS "runParams", b.dataset_id AS "datasetId", b.window_start_at AS "from", b.window_end_at AS "to", b.status::text AS status, b.params
       FROM backtests b LEFT JOIN model_versions v ON v.organization_id = b.organization_id AND v.id = b.model_version_id
       LEFT JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
       LEFT JOIN training_runs r ON r.organization_id = v.organization_id AND r.id = v.training_run_id
      WHERE b.organization_id = $1::uuid AND b.id = $2::uuid`,
    organizationId,
    id,
  );
}

/** Ends a backtest with its result or its error, audited; a backtest already ended stays as it was. */
export async function finishBacktest(
  db: RawSql,
  backtest: Pick<BacktestToRun, 'id' | 'organizationId'>,
  outcome: { result: Record<string, JsonValue> } | { error: string },
  actor: AuditActor,
): Promise<void> {
  const status = 'result' in outcome ? 'SUCCEEDED' : 'FAILED';
  const ended = await row(
    db,
    `UPDATE backtests SET status = $3::run_status, result = $4::jsonb, error = $5, finished_at = now()
      WHERE organization_id = $1::uuid AND id = $2::uuid AND status IN ('QUEUED', 'RUNNING') RETURNING id`,
    backtest.organizationId,
    backtest.id,
    status,
    JSON.stringify('result' in outcome ? outcome.result : {}),
    'error' in outcome ? outcome.error : null,
  );
  if (!ended) return;
  await appendAuditEvent(db, {
    organizationId: backtest.organizationId,
    type: 'backtest.updated',
    actor,
    subjectType: 'backtest',
    subjectId: backtest.id,
    payload: { status, ...('error' in outcome ? { error: outcome.error } : {}) },
  });
}
