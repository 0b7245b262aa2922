// Requesting a training run, whoever asks (a person, a drift report past the policy, the policy's
// schedule): the queued run with its lineage (base version, triggering report, data window), its
// audit event, and the training job in the outbox, all in the caller's transaction, so the job
// starts exactly when the decision commits.
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { row, type RawSql } from '../sql.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { modelTrainingJob } from '../jobs.ts';
import { addToOutbox } from '../outbox.ts';
import { Refusal } from '../refusal.ts';
import { modelPolicySchema } from './model-policy.ts';

export interface TrainingRequest {
  organizationId: string;
  modelId: string;
  trigger: 'MANUAL' | 'DRIFT' | 'SCHEDULE';
  baseVersionId: string | null;
  driftReportId?: string | null;
  /** Train on this dataset (its time span is the data window) instead of telemetry. */
  datasetId?: string | null;
  from: Date;
  to: Date;
  params: Record<string, JsonValue>;
  /** The caller's key for this request: sent again, it names the run the first request made. */
  requestKey?: string | null;
}

/**
 * Queues a run and returns its id. With a request key already used in the organisation it queues
 * nothing and returns that run, when it is of the same model; a key reused for another model is refused.
 */
export async function requestTrainingRun(db: RawSql, request: TrainingRequest, actor: AuditActor): Promise<string> {
  const model = await row<{ policy: unknown }>(
    db,
    'SELECT policy FROM models WHERE organization_id = $1 AND id = $2::uuid',
    request.organizationId,
    request.modelId,
  );
  const federated = modelPolicySchema.safeParse(model?.policy ?? {}).data?.federated;
  if (federated)
    throw new Refusal(
      `The model's policy keeps raw data at sites ${federated.sites.join(', ')}; train it federated (startFederatedTraining), not centrally.`,
      'modelId',
      'CONFLICT',
    );
  const [run] = await db.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO training_runs (organization_id, model_id, base_version_id, drift_report_id, trigger, data_window_start_at, data_window_end_at, params, requested_by_id, request_key, dataset_id)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::training_trigger, $6, $7, $8::jsonb, $9::uuid, $10, $11::uuid)
     ON CONFLICT (organization_id, request_key) DO NOTHING RETURNING id`,
    request.organizationId,
    request.modelId,
    request.baseVersionId,
    request.driftReportId ?? null,
    request.trigger,
    request.from,
    request.to,
    JSON.stringify(request.params),
    actor.kind === 'USER' ? actor.id : null,
    request.requestKey ?? null,
    request.datasetId ?? null,
  );
  if (!run) return earlierRequest(db, request);
  await appendAuditEvent(db, {
    organizationId: request.organizationId,
    type: 'training_run.created',
    actor,
    subjectType: 'training_run',
    subjectId: run!.id,
    payload: {
      modelId: request.modelId,
      trigger: request.trigger,
      baseVersionId: request.baseVersionId,
      driftReportId: request.driftReportId ?? null,
      datasetId: request.datasetId ?? null,
      from: request.from.toISOString(),
      to: request.to.toISOString(),
      params: request.params,
    },
  });
  await addToOutbox(db, modelTrainingJob, {
    organizationId: request.organizationId,
    jobId: `training-${run!.id}`,
    payload: { organizationId: request.organizationId, trainingRunId: run!.id },
  });
  return run!.id;
}

async function earlierRequest(db: RawSql, request: TrainingRequest): Promise<string> {
  const [earlier] = await db.$queryRawUnsafe<{ id: string; model_id: string }[]>(
    'SELECT id, model_id FROM training_runs WHERE organization_id = $1::uuid AND request_key = $2',
    request.organizationId,
    request.requestKey,
  );
  if (earlier!.model_id !== request.modelId)
    throw new Refusal(
      `The request key ${request.requestKey} was used for a training run of another model; use a new key for a new request.`,
      'requestKey',
      'CONFLICT',
    );
  return earlier!.id;
}
