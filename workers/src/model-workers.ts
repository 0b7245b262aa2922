// The model lifecycle's moving parts in a workers process: the inference (telemetry windows and camera frames), training, backtest, drift
// and experiment job handlers (one ONNX session cache per process), the dispatcher that turns arriving telemetry into
// inference jobs, and the transactional outbox's relay (requested training runs, decisions' jobs).
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { SigningKey } from '@threadline/db/audit/audit-keys';
import { InferenceDispatcher } from './inference/dispatcher.ts';
import { VersionCache } from './inference/version-cache.ts';
import { runInference } from './processors/inference.ts';
import type { PipelineMetrics } from '@threadline/db/observability/metrics';
import { runFrameInference } from './processors/frame-inference.ts';
import pino from 'pino';
import { frameStoreFromEnv, type FrameStore } from '@threadline/db/vision/frame-store';
import { abandonModelTraining, runModelTraining } from './processors/model-training.ts';
import {
  driftCheckJob,
  experimentEvaluationJob,
  frameInferenceJob,
  inferenceJob,
  modelBacktestJob,
  modelTrainingJob,
  type InferencePayload,
  type JobDefinition,
  type QueueName,
} from '@threadline/db/jobs';
import { runBacktest } from './processors/model-backtest.ts';
import { runDriftCheck } from './processors/drift-check.ts';
import { runExperimentEvaluation } from './processors/experiment-evaluation.ts';
import { OutboxRelay } from './outbox-relay.ts';
import type { GiveUpHandler, Handler } from './worker-host.ts';

export interface ModelWorkerDeps {
  pool: pg.Pool;
  signingKey: SigningKey;
  trustedKeys: ReadonlyMap<string, KeyObject>;
  /** Where camera frames are read from (the configured store unless given). */
  frameStore?: FrameStore;
  log?: Logger;
  metrics?: PipelineMetrics;
}

export interface ModelHandlers {
  handlers: Record<string, Handler>;
  onGiveUp: Record<string, GiveUpHandler>;
  versions: VersionCache;
}

/** The jobs modelHandlers handles, for a worker host that runs only them. */
export const MODEL_JOBS = [
  inferenceJob,
  frameInferenceJob,
  modelTrainingJob,
  modelBacktestJob,
  driftCheckJob,
  experimentEvaluationJob,
] as JobDefinition<unknown>[];

export function modelHandlers(deps: ModelWorkerDeps): ModelHandlers {
  // drift-sweep needs the models queue and the schedule: workers/src/main.ts adds its handler.
  const versions = new VersionCache(deps.pool, deps.trustedKeys);
  const frameStore = deps.frameStore ?? frameStoreFromEnv();
  return {
    versions,
    handlers: {
      [inferenceJob.name]: (payload: InferencePayload) =>
        runInference({ pool: deps.pool, versions, ...(deps.metrics ? { metrics: deps.metrics } : {}) }, payload),
      [frameInferenceJob.name]: (payload: { organizationId: string; frameIds: string[] }) =>
        runFrameInference({ pool: deps.pool, versions, store: frameStore, log: deps.log ?? pino({ level: 'silent' }) }, payload),
      [modelTrainingJob.name]: (payload: { organizationId: string; trainingRunId: string }, job: Job) =>
        runModelTraining({ ...deps, frameStore }, payload, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
      [modelBacktestJob.name]: (payload: { organizationId: string; backtestId: string }, job: Job) =>
        runBacktest(deps, payload, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
      [driftCheckJob.name]: (payload: { organizationId: string; deploymentId: string }) => runDriftCheck(deps.pool, payload),
      [experimentEvaluationJob.name]: (payload: { organizationId: string; experimentId: string }) => runExperimentEvaluation(deps.pool, payload),
    },
    onGiveUp: {
      [modelTrainingJob.name]: (payload: { organizationId: string; trainingRunId: string }, reason: string) => abandonModelTraining(deps.pool, payload, reason),
    },
  };
}

export interface ModelRelaysOptions {
  databaseUrl: string;
  role: string;
  pool: pg.Pool;
  queue: (name: QueueName) => Queue;
  log: Logger;
  dispatchMs: number;
  maxWindowsPerAsset: number;
  maxWindowsPerJob: number;
}

/** Starts the inference dispatcher and the outbox relay; returns their stop. */
export async function startModelRelays(
  options: ModelRelaysOptions,
): Promise<{ dispatcher: InferenceDispatcher; outbox: OutboxRelay; stop: () => Promise<void> }> {
  const dispatcher = new InferenceDispatcher({ ...options, queue: options.queue('inference'), log: options.log.child({ part: 'dispatcher' }) });
  const relay = new OutboxRelay({
    databaseUrl: options.databaseUrl,
    role: options.role,
    pool: options.pool,
    queue: options.queue,
    log: options.log.child({ part: 'outbox' }),
  });
  await dispatcher.start();
  await relay.start();
  return {
    dispatcher,
    outbox: relay,
    stop: async () => {
      await Promise.all([dispatcher.stop(), relay.stop()]);
    },
  };
}
