// The one job catalogue: each job's name, queue, version, payload schema and default options.
// Every outbox write (outbox.ts) and every queue add names a definition from here, so a job name
// cannot be misspelt and a payload that does not fit its schema is refused before it is written.
// A job name is never renamed while jobs may still be queued; a changed payload gets a new version.
import { z } from 'zod';

export const QUEUE_NAMES = ['maintenance', 'inference', 'models', 'notifications'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The BullMQ job options the catalogue sets (a subset of BullMQ's JobsOptions, which it fits). */
export interface JobOptions {
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
  removeOnComplete: { count: number };
  removeOnFail: { count: number };
}

/** Every job's name; a job is never renamed while jobs of it may still be queued. */
export const JOB_NAMES = [
  'audit-checkpoint',
  'telemetry-rollup',
  'telemetry-maintenance',
  'inference',
  'frame-inference',
  'model-training',
  'model-backtest',
  'drift-check',
  'experiment-evaluation',
  'drift-sweep',
  'value-recompute',
  'review-schedule',
  'notification-fanout',
  'notification-delivery',
  'notification-escalation',
  'audit-verification',
  'alarm-acknowledgement',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobDefinition<P> {
  name: JobName;
  queue: QueueName;
  version: number;
  payload: z.ZodType<P>;
  options: JobOptions;
}

const RETRIED: JobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
};

export const auditCheckpointJob: JobDefinition<{ organizationId?: string | undefined }> = {
  name: 'audit-checkpoint',
  queue: 'maintenance',
  version: 1,
  payload: z.object({ organizationId: z.uuid().optional() }),
  options: RETRIED,
};

/** Redoes telemetry rollups for the minutes written since the last run (native storage). */
export const telemetryRollupJob: JobDefinition<Record<string, never>> = {
  name: 'telemetry-rollup',
  queue: 'maintenance',
  version: 1,
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  options: { ...RETRIED, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
};

/** Creates telemetry partitions ahead of time and applies the retention policy (owner role). */
export const telemetryMaintenanceJob: JobDefinition<Record<string, never>> = {
  name: 'telemetry-maintenance',
  queue: 'maintenance',
  version: 1,
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  options: RETRIED,
};

export interface InferenceWindow {
  assetId: string;
  /** Window ends on the deployment's grid in (after, upTo], epoch ms. */
  after: number;
  upTo: number;
}

export interface InferencePayload {
  organizationId: string;
  deploymentId: string;
  windows: InferenceWindow[];
}

/** Scores a micro-batch of asset windows for one deployment; its job id names the batch, so a resend is one job. */
export const inferenceJob: JobDefinition<InferencePayload> = {
  name: 'inference',
  queue: 'inference',
  version: 1,
  payload: z.object({
    organizationId: z.uuid(),
    deploymentId: z.uuid(),
    windows: z
      .array(z.object({ assetId: z.uuid(), after: z.number(), upTo: z.number() }).refine((w) => w.upTo > w.after, 'upTo must follow after'))
      .min(1)
      .max(10_000),
  }),
  options: { attempts: 8, backoff: { type: 'exponential', delay: 250 }, removeOnComplete: { count: 2_000 }, removeOnFail: { count: 5_000 } },
};

/** Scores newly stored camera frames with every live vision deployment of their assets; written to the outbox with the frames. */
export const frameInferenceJob: JobDefinition<{ organizationId: string; frameIds: string[] }> = {
  name: 'frame-inference',
  queue: 'inference',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), frameIds: z.array(z.uuid()).min(1).max(1_000) }),
  options: { attempts: 8, backoff: { type: 'exponential', delay: 250 }, removeOnComplete: { count: 2_000 }, removeOnFail: { count: 5_000 } },
};

/** Trains a queued training run and registers its model version; the job id is the run id. */
export const modelTrainingJob: JobDefinition<{ organizationId: string; trainingRunId: string }> = {
  name: 'model-training',
  queue: 'models',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), trainingRunId: z.uuid() }),
  options: { ...RETRIED, attempts: 3 },
};

/** Scores a version over a labelled history (backtests.ts); the job id is the backtest's id. */
export const modelBacktestJob: JobDefinition<{ organizationId: string; backtestId: string }> = {
  name: 'model-backtest',
  queue: 'models',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), backtestId: z.uuid() }),
  options: { ...RETRIED, attempts: 2 },
};

/** Checks one deployment for drift and, when its policy says so, starts retraining. */
export const driftCheckJob: JobDefinition<{ organizationId: string; deploymentId: string }> = {
  name: 'drift-check',
  queue: 'models',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), deploymentId: z.uuid() }),
  options: RETRIED,
};

/** Evaluates one running experiment and, when its model's policy allows, promotes a better challenger. */
export const experimentEvaluationJob: JobDefinition<{ organizationId: string; experimentId: string }> = {
  name: 'experiment-evaluation',
  queue: 'models',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), experimentId: z.uuid() }),
  options: RETRIED,
};

/** On a schedule: a drift check for every live deployment and an evaluation of every running experiment. */
export const driftSweepJob: JobDefinition<Record<string, never>> = {
  name: 'drift-sweep',
  queue: 'maintenance',
  version: 1,
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  options: RETRIED,
};

/** KPI/ROI recompute and gate evaluation for every organisation (or one), docs/value.md. */
export const valueRecomputeJob: JobDefinition<{ organizationId?: string | undefined }> = {
  name: 'value-recompute',
  queue: 'maintenance',
  version: 1,
  payload: z.object({ organizationId: z.uuid().optional() }),
  options: { ...RETRIED, removeOnComplete: { count: 200 } },
};

/** Schedules the review rhythm (model performance, infrastructure health, maturity) and marks missed reviews. */
export const reviewScheduleJob: JobDefinition<{ organizationId?: string | undefined }> = {
  name: 'review-schedule',
  queue: 'maintenance',
  version: 1,
  payload: z.object({ organizationId: z.uuid().optional() }),
  options: { ...RETRIED, removeOnComplete: { count: 200 } },
};

/** Finds the rules an audited event matches and records a delivery per channel (notifications/fan-out.ts); the job id names the audit event. */
export const notificationFanoutJob: JobDefinition<{ organizationId: string; auditEventId: string }> = {
  name: 'notification-fanout',
  queue: 'notifications',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), auditEventId: z.uuid() }),
  options: { ...RETRIED, removeOnComplete: { count: 2_000 } },
};

/** Sends one delivery to its channel; retried with backoff (2 s doubling, 6 attempts), each attempt in the delivery log. */
export const notificationDeliveryJob: JobDefinition<{ organizationId: string; deliveryId: string }> = {
  name: 'notification-delivery',
  queue: 'notifications',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), deliveryId: z.uuid() }),
  options: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { count: 2_000 }, removeOnFail: { count: 5_000 } },
};

/** On a schedule: insights left unacknowledged past a rule's escalation time go on to its next contact. */
export const notificationEscalationJob: JobDefinition<Record<string, never>> = {
  name: 'notification-escalation',
  queue: 'notifications',
  version: 1,
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  options: { ...RETRIED, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
};

/** On a schedule: recomputes every organisation's audit chain and tells the rules of audit.chain_broken about a break. */
export const auditVerificationJob: JobDefinition<Record<string, never>> = {
  name: 'audit-verification',
  queue: 'maintenance',
  version: 1,
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  options: { ...RETRIED, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
};

/** Carries an operator's acknowledgement (with the comment) to the condition's OPC UA server. */
export const alarmAcknowledgementJob: JobDefinition<{ organizationId: string; alarmConditionId: string; comment: string }> = {
  name: 'alarm-acknowledgement',
  queue: 'maintenance',
  version: 1,
  payload: z.object({ organizationId: z.uuid(), alarmConditionId: z.uuid(), comment: z.string().min(1).max(500) }),
  options: RETRIED,
};

export const JOB_CATALOGUE: readonly JobDefinition<unknown>[] = [
  driftCheckJob as JobDefinition<unknown>,
  driftSweepJob as JobDefinition<unknown>,
  experimentEvaluationJob as JobDefinition<unknown>,
  inferenceJob as JobDefinition<unknown>,
  frameInferenceJob as JobDefinition<unknown>,
  modelTrainingJob as JobDefinition<unknown>,
  modelBacktestJob as JobDefinition<unknown>,
  telemetryMaintenanceJob as JobDefinition<unknown>,
  auditCheckpointJob as JobDefinition<unknown>,
  reviewScheduleJob as JobDefinition<unknown>,
  telemetryRollupJob as JobDefinition<unknown>,
  valueRecomputeJob as JobDefinition<unknown>,
  notificationFanoutJob as JobDefinition<unknown>,
  notificationDeliveryJob as JobDefinition<unknown>,
  notificationEscalationJob as JobDefinition<unknown>,
  auditVerificationJob as JobDefinition<unknown>,
  alarmAcknowledgementJob as JobDefinition<unknown>,
];

/** A job of the catalogue as BullMQ's add/addBulk take it: its name, a payload of its type, its options and the job id. */
export function queuedJob<P>(job: JobDefinition<P>, data: P, jobId: string): { name: string; data: P; opts: JobOptions & { jobId: string } } {
  return { name: job.name, data, opts: { ...job.options, jobId } };
}

/** W3C trace context a job carries beside its payload (observability/tracing.ts), under TRACE_KEY. */
export interface JobTrace {
  traceparent: string;
  /** Other traces the job continues (a micro-batch gathers several arrivals). */
  links?: string[];
}

const TRACE_KEY = '_trace';

/** The job data with its trace context, when there is one. */
export function withTrace<P>(data: P, trace: JobTrace | undefined): P {
  return trace ? { ...data, [TRACE_KEY]: trace } : data;
}

/** The job data's payload without its trace context, and that context. */
export function splitTrace(data: unknown): { payload: unknown; trace: JobTrace | undefined } {
  if (!data || typeof data !== 'object' || !(TRACE_KEY in data)) return { payload: data, trace: undefined };
  const { [TRACE_KEY]: trace, ...payload } = data as Record<string, unknown>;
  const valid = trace && typeof trace === 'object' && typeof (trace as JobTrace).traceparent === 'string';
  return { payload, trace: valid ? (trace as JobTrace) : undefined };
}
