// The one job catalogue: each job's name, queue, version, payload schema and default options.
// This is the contract the API enqueues against. A job name is never renamed while jobs may
// still be queued; a changed payload gets a new version.
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

export const QUEUE_NAMES = ['maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobDefinition<P> {
  name: string;
  queue: QueueName;
  version: number;
  payload: z.ZodType<P>;
  options: JobsOptions;
}

const RETRIED: JobsOptions = {
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

export const JOB_CATALOGUE: readonly JobDefinition<unknown>[] = [
  telemetryMaintenanceJob as JobDefinition<unknown>,
  auditCheckpointJob as JobDefinition<unknown>,
  telemetryRollupJob as JobDefinition<unknown>,
];
