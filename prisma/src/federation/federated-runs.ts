// Federated runs at the core: started by a data scientist for a model whose policy keeps raw data
// on site, then driven by the sites' edge agents. Each asks for the current round (the global
// model, the spec, the privacy mechanism) and sends back only its noised update; the last site's
// update of a round aggregates it in the same transaction. When the budget allows no further
// round (or the policy's maxRounds is reached), the sites send their noised score histograms, the
// threshold is read from them, and the model-training job registers the version (training run
// lineage: the sites, the rounds, ε and δ). Nothing here ever holds a row of a site's data.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { modelTrainingJob } from '../jobs.ts';
import { addToOutbox } from '../outbox.ts';
import { Refusal } from '../refusal.ts';
import { row, rows, type RawSql } from '../sql.ts';
import { modelPolicySchema } from '../models/model-policy.ts';
import { applyRound, decideFromHistograms, initialState, type FederatedState, type HistogramDecision } from './federated-averaging.ts';
import { HISTOGRAM_BINS, type FederatedPolicy } from './federated-policy.ts';
import { featureCountOf, federatedSpecSchema, type FederatedSpec } from './federated-spec.ts';
import { privacySpent, roundsWithinBudget } from './privacy-accountant.ts';

export type FederatedPhase = 'GRADIENT' | 'HISTOGRAM' | 'AGGREGATED';

export interface FederatedRun {
  id: string;
  organizationId: string;
  trainingRunId: string;
  modelId: string;
  siteIds: string[];
  siteCodes: string[];
  spec: FederatedSpec;
  privacy: FederatedPolicy;
  plannedRounds: number;
  phase: FederatedPhase;
  round: number;
  state: FederatedState;
  epsilon: number;
  result: FederatedResult | null;
}

export interface FederatedResult extends HistogramDecision {
  stopReason: 'BUDGET' | 'MAX_ROUNDS';
}

const RUN_COLUMNS = `f.id, f.organization_id AS "organizationId", f.training_run_id AS "trainingRunId", r.model_id AS "modelId", f.site_ids AS "siteIds",
  ARRAY(SELECT s.code FROM unnest(f.site_ids) WITH ORDINALITY AS u(id, n) JOIN sites s ON s.organization_id = f.organization_id AND s.id = u.id ORDER BY u.n) AS "siteCodes",
  f.spec, f.privacy, f.planned_rounds AS "plannedRounds", f.phase, f.round, f.state, f.epsilon, f.result`;
const RUN_FROM = 'FROM federated_runs f JOIN training_runs r ON r.organization_id = f.organization_id AND r.id = f.training_run_id';

/** A run by its id or its training run's id. */
export function federatedRun(db: RawSql, organizationId: string, id: string, lock = false): Promise<FederatedRun | undefined> {
  return row<FederatedRun>(
    db,
    `SELECT ${RUN_COLUMNS} ${RUN_FROM} WHERE f.organization_id = $1 AND (f.id = $2::uuid OR f.training_run_id = $2::uuid)${lock ? ' FOR UPDATE OF f' : ''}`,
    organizationId,
    id,
  );
}

export function federatedRunsOfModel(db: RawSql, organizationId: string, modelId: string): Promise<FederatedRun[]> {
  return rows<FederatedRun>(
    db,
    `SELECT ${RUN_COLUMNS} ${RUN_FROM} WHERE f.organization_id = $1 AND r.model_id = $2 ORDER BY f.created_at DESC`,
    organizationId,
    modelId,
  );
}

/** Starts a federated run of the model over its policy's sites; refused when the policy names none, or its budget allows no round. */
export async function startFederatedRun(
  db: RawSql,
  input: { organizationId: string; modelId: string; spec: unknown },
  actor: AuditActor,
  now: Date,
): Promise<FederatedRun> {
  const spec = federatedSpecSchema.safeParse(input.spec);
  if (!spec.success) throw new Refusal(`spec: ${spec.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ')}`, 'spec');
  // Locked, so two starts of the same model are one after the other and the second sees the first's run.
  const model = await row<{ policy: unknown }>(
    db,
    'SELECT policy FROM models WHERE organization_id = $1 AND id = $2::uuid FOR UPDATE',
    input.organizationId,
    input.modelId,
  );
  if (!model) throw new Refusal(`Model ${input.modelId} not found.`, 'modelId', 'NOT_FOUND');
  const privacy = modelPolicySchema.safeParse(model.policy ?? {}).data?.federated;
  if (!privacy)
    throw new Refusal("The model's policy names no sites whose data stays on site (policy.federated); train it centrally instead.", 'modelId', 'CONFLICT');
  const sites = await rows<{ id: string; code: string }>(
    db,
    'SELECT id, code FROM sites WHERE organization_id = $1 AND code = ANY($2::text[])',
    input.organizationId,
    privacy.sites,
  );
  const missing = privacy.sites.filter((code) => !sites.some((s) => s.code === code));
  if (missing.length > 0) throw new Refusal(`The policy names sites that do not exist: ${missing.join(', ')}.`, 'modelId');
  const planned = roundsWithinBudget(privacy, privacy, { noiseMultiplier: privacy.histogramNoise }, privacy.maxRounds);
  if (planned === 0)
    throw new Refusal(
      `The privacy budget (ε = ${privacy.epsilon}, δ = ${privacy.delta}) does not allow a single round at noise multiplier ${privacy.noiseMultiplier}; raise the budget or the noise.`,
      'modelId',
    );
  const busy = await row<{ id: string }>(
    db,
    `SELECT f.id ${RUN_FROM} WHERE f.organization_id = $1 AND r.model_id = $2::uuid AND r.status IN ('QUEUED', 'RUNNING')`,
    input.organizationId,
    input.modelId,
  );
  if (busy) throw new Refusal(`Federated run ${busy.id} of this model is still running.`, 'modelId', 'CONFLICT');
  const [run] = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO training_runs (organization_id, model_id, trigger, status, data_window_start_at, data_window_end_at, params, requested_by_id, started_at)
     VALUES ($1::uuid, $2::uuid, 'MANUAL', 'RUNNING', $3, $3, $4::jsonb, $5::uuid, $3) RETURNING id`,
    input.organizationId,
    input.modelId,
    now,
    JSON.stringify({ family: 'LOGISTIC' }),
    actor.kind === 'USER' ? actor.id : null,
  );
  const siteIds = privacy.sites.map((code) => sites.find((s) => s.code === code)!.id);
  const [created] = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO federated_runs (organization_id, training_run_id, site_ids, spec, privacy, planned_rounds, state)
     VALUES ($1::uuid, $2::uuid, $3::uuid[], $4::jsonb, $5::jsonb, $6, $7::jsonb) RETURNING id`,
    input.organizationId,
    run!.id,
    siteIds,
    JSON.stringify(spec.data),
    JSON.stringify(privacy),
    planned,
    JSON.stringify(initialState(featureCountOf(spec.data))),
  );
  await appendAuditEvent(db, {
    organizationId: input.organizationId,
    type: 'training_run.created',
    actor,
    subjectType: 'training_run',
    subjectId: run!.id,
    payload: {
      modelId: input.modelId,
      trigger: 'MANUAL',
      federatedRunId: created!.id,
      sites: privacy.sites,
      plannedRounds: planned,
      epsilonBudget: privacy.epsilon,
      delta: privacy.delta,
      noiseMultiplier: privacy.noiseMultiplier,
      clipNorm: privacy.clipNorm,
    },
  });
  return (await federatedRun(db, input.organizationId, created!.id))!;
}

/** The site an edge target stands at, when it takes part in the run; refused otherwise. */
async function participantSite(db: RawSql, run: FederatedRun, targetId: string): Promise<string> {
  const target = await row<{ siteId: string | null }>(
    db,
    'SELECT site_id AS "siteId" FROM edge_targets WHERE organization_id = $1 AND id = $2::uuid',
    run.organizationId,
    targetId,
  );
  if (!target) throw new Refusal(`Edge target ${targetId} not found.`, 'targetId', 'NOT_FOUND');
  if (!target.siteId || !run.siteIds.includes(target.siteId))
    throw new Refusal(`Edge target ${targetId} does not stand at one of the run's sites (${run.siteCodes.join(', ')}).`, 'targetId', 'FORBIDDEN');
  return target.siteId;
}

export interface RoundOffer {
  runId: string;
  phase: FederatedPhase;
  round: number;
  plannedRounds: number;
  /** The global model: one weight per feature of the spec, then the bias. */
  weights: number[];
  spec: FederatedSpec;
  privacy: { clipNorm: number; noiseMultiplier: number; histogramNoise: number; bins: number };
  /** Whether this site has sent its update for the current round already. */
  sent: boolean;
}

/** What a site is asked for now. */
export async function roundFor(db: RawSql, organizationId: string, runId: string, targetId: string): Promise<RoundOffer> {
  const run = await federatedRun(db, organizationId, runId);
  if (!run) throw new Refusal(`Federated run ${runId} not found.`, 'runId', 'NOT_FOUND');
  const siteId = await participantSite(db, run, targetId);
  const sent = await row<{ n: number }>(
    db,
    'SELECT 1 AS n FROM federated_updates WHERE run_id = $1::uuid AND phase = $2 AND round = $3 AND site_id = $4::uuid',
    run.id,
    run.phase,
    run.round,
    siteId,
  );
  return {
    runId: run.id,
    phase: run.phase,
    round: run.round,
    plannedRounds: run.plannedRounds,
    weights: run.state.weights,
    spec: run.spec,
    privacy: { clipNorm: run.privacy.clipNorm, noiseMultiplier: run.privacy.noiseMultiplier, histogramNoise: run.privacy.histogramNoise, bins: HISTOGRAM_BINS },
    sent: sent !== undefined || run.phase === 'AGGREGATED',
  };
}

export interface SiteUpdate {
  phase: 'GRADIENT' | 'HISTOGRAM';
  round: number;
  values: number[];
}

/** Largest magnitude an update's entry may have; noised means and counts stay far below. */
const MAX_ENTRY = 1e9;

/**
 * Takes a site's update for the current round, once (the same update again is a no-op; another
 * one for the same round is refused), and aggregates the round when every site has sent.
 */
export async function acceptSiteUpdate(
  db: RawSql,
  organizationId: string,
  runId: string,
  targetId: string,
  update: SiteUpdate,
  actor: AuditActor,
): Promise<{ accepted: boolean; phase: FederatedPhase; round: number }> {
  const run = await federatedRun(db, organizationId, runId, true);
  if (!run) throw new Refusal(`Federated run ${runId} not found.`, 'runId', 'NOT_FOUND');
  const siteId = await participantSite(db, run, targetId);
  const length = update.phase === 'GRADIENT' ? run.state.weights.length : 2 * HISTOGRAM_BINS;
  if (update.values.length !== length) throw new Refusal(`A ${update.phase} update has ${length} values, not ${update.values.length}.`, 'values');
  if (update.values.some((v) => !Number.isFinite(v) || Math.abs(v) > MAX_ENTRY))
    throw new Refusal('Every value must be a finite number of modest size.', 'values');
  const [inserted] = await db.$queryRawUnsafe<{ n: number }[]>(
    `INSERT INTO federated_updates (organization_id, run_id, phase, round, site_id, values)
     SELECT $1::uuid, $2::uuid, $3::text, $4::int, $5::uuid, $6::float8[] WHERE $3::text = $7::text AND $4::int = $8::int
     ON CONFLICT DO NOTHING RETURNING 1 AS n`,
    organizationId,
    run.id,
    update.phase,
    update.round,
    siteId,
    update.values,
    run.phase,
    run.round,
  );
  if (!inserted) {
    const earlier = await row<{ values: number[] }>(
      db,
      'SELECT values FROM federated_updates WHERE run_id = $1 AND phase = $2 AND round = $3 AND site_id = $4',
      run.id,
      update.phase,
      update.round,
      siteId,
    );
    if (earlier && earlier.values.length === update.values.length && earlier.values.every((v, i) => v === update.values[i]))
      return { accepted: false, phase: run.phase, round: run.round };
    throw new Refusal(
      earlier
        ? `This site sent a different ${update.phase} update for round ${update.round} already.`
        : `The run is at ${run.phase} round ${run.round}, not ${update.phase} round ${update.round}; ask for the current round.`,
      'round',
      'CONFLICT',
    );
  }
  const sent = await rows<{ values: number[] }>(
    db,
    'SELECT values FROM federated_updates WHERE run_id = $1 AND phase = $2 AND round = $3 ORDER BY site_id',
    run.id,
    run.phase,
    run.round,
  );
  if (sent.length < run.siteIds.length) return { accepted: true, phase: run.phase, round: run.round };
  return {
    accepted: true,
    ...(await aggregate(
      db,
      run,
      sent.map((s) => s.values),
      actor,
    )),
  };
}

/** ε spent after `rounds` gradient rounds, and the histograms when they have been released. */
function epsilonAfter(privacy: FederatedPolicy, rounds: number, histograms: boolean): number {
  const releases = [{ noiseMultiplier: privacy.noiseMultiplier, count: rounds }];
  if (histograms) releases.push({ noiseMultiplier: privacy.histogramNoise, count: 1 });
  return privacySpent(releases, privacy.delta).epsilon;
}

/** Aggregates the round every site has sent; returns where the run is now. */
async function aggregate(db: RawSql, run: FederatedRun, updates: number[][], actor: AuditActor): Promise<{ phase: FederatedPhase; round: number }> {
  const { privacy } = run;
  if (run.phase === 'GRADIENT') {
    const state = applyRound(run.state, updates, privacy.learningRate);
    const round = run.round + 1;
    const phase = round === run.plannedRounds ? 'HISTOGRAM' : 'GRADIENT';
    await db.$executeRawUnsafe(
      'UPDATE federated_runs SET state = $2::jsonb, round = $3, epsilon = $4, phase = $5, updated_at = now() WHERE id = $1',
      run.id,
      JSON.stringify(state),
      round,
      epsilonAfter(privacy, round, false),
      phase,
    );
    return { phase, round };
  }
  const decision = decideFromHistograms(updates, HISTOGRAM_BINS);
  const epsilon = epsilonAfter(privacy, run.round, true);
  const result: FederatedResult = { ...decision, stopReason: run.plannedRounds < privacy.maxRounds ? 'BUDGET' : 'MAX_ROUNDS' };
  await db.$executeRawUnsafe(
    "UPDATE federated_runs SET phase = 'AGGREGATED', epsilon = $2, result = $3::jsonb, updated_at = now() WHERE id = $1",
    run.id,
    epsilon,
    JSON.stringify(result),
  );
  await appendAuditEvent(db, {
    organizationId: run.organizationId,
    type: 'training_run.aggregated',
    actor,
    subjectType: 'training_run',
    subjectId: run.trainingRunId,
    payload: { sites: run.siteCodes, rounds: run.round, stopReason: result.stopReason, epsilon, delta: privacy.delta, federatedRunId: run.id },
  });
  await addToOutbox(db, modelTrainingJob, {
    organizationId: run.organizationId,
    jobId: `training-${run.trainingRunId}`,
    payload: { organizationId: run.organizationId, trainingRunId: run.trainingRunId },
  });
  return { phase: 'AGGREGATED', round: run.round };
}
