// Starts the workers process: checks Redis, runs every queue's worker, schedules the repeatable
// jobs (audit checkpoints, telemetry rollups and maintenance), starts the inference dispatcher and
// the outbox relay, the plant adapters (MQTT and Sparkplug B, OPC UA), and shuts down cleanly
// on SIGINT/SIGTERM.
import pino from 'pino';
import { FrameIngest } from '@threadline/db/vision/frame-ingest';
import { startCameraStreams } from './adapters/camera-streams.ts';
import { systemClock } from '@threadline/db/clock';
import { openFrameStore } from '@threadline/db/vision/frame-store';
import { createPool } from '@threadline/db/client';
import { signingKeyFromPem, signingKeyPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { notificationHandlers } from './notification-workers.ts';
import { readWorkersConfig } from './config.ts';
import {
  auditCheckpointJob,
  auditVerificationJob,
  notificationEscalationJob,
  driftSweepJob,
  reviewScheduleJob,
  alarmAcknowledgementJob,
  telemetryMaintenanceJob,
  telemetryRollupJob,
  valueRecomputeJob,
  type JobDefinition,
} from '@threadline/db/jobs';
import { runReviewSchedule, runValueRecompute } from './processors/review-rhythm.ts';
import { runDriftSweep } from './processors/drift-sweep.ts';
import { runTelemetryMaintenance } from './processors/telemetry-maintenance.ts';
import { runTelemetryRollup } from './processors/telemetry-rollup.ts';
import { runAuditCheckpoint } from './processors/audit-checkpoint.ts';
import { checkNoEviction } from './redis-policy.ts';
import { startWorkerHost } from './worker-host.ts';
import { MqttAdapter } from './adapters/mqtt-adapter.ts';
import { OpcUaAdapter } from './adapters/opcua-adapter.ts';
import { runAlarmAcknowledgement } from './processors/alarm-acknowledgement.ts';
import { adapterOrganization } from '@threadline/db/plant/organizations';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { EventIngest } from '@threadline/db/telemetry/events';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { rawSqlOf } from '@threadline/db/sql';
import { publishSigningKey } from '@threadline/db/models/registry';
import { modelHandlers, startModelRelays } from './model-workers.ts';
import { queueConnection, queuePrefix, redisTarget } from './redis-target.ts';
import { IngestLog } from '@threadline/db/telemetry/ingest-log';
import { PipelineMetrics } from '@threadline/db/observability/metrics';
import { ProcessSampler } from '@threadline/db/observability/process-samples';
import { PostgresSpanExporter } from '@threadline/db/observability/span-store';
import { startTracing, traceFields } from '@threadline/db/observability/tracing';
import { portOf, registerQueueGauges, serveMetrics } from './metrics-server.ts';
import { ingestLogOf } from '@threadline/db/config';

const config = readWorkersConfig();
const log = pino({ name: 'threadline-workers', level: config.LOG_LEVEL, mixin: traceFields });
const metrics = new PipelineMetrics('workers');
const redis = redisTarget(config.REDIS_URL, config.REDIS_CLUSTER_NODES);
if ((await checkNoEviction(redis)) === 'unknown') log.warn('could not read Redis maxmemory-policy; make sure it is noeviction');

const pool = createPool({ url: config.db.DATABASE_URL, role: config.db.DATABASE_APP_ROLE, poolSize: config.db.DATABASE_POOL_SIZE });
const tracing = startTracing(new PostgresSpanExporter(pool, 'workers'), config.observability.TRACE_SAMPLE_RATIO);
const signingKey = signingKeyFromPem(signingKeyPem(config.AUDIT_SIGNING_KEY, config.THREADLINE_KEY_DIR));
const modelKey = signingKeyFromPem(signingKeyPem(config.MODEL_SIGNING_KEY, config.THREADLINE_KEY_DIR, 'model'));
await publishSigningKey(rawSqlOf(pool), modelKey, !config.MODEL_SIGNING_KEY);
const frameStore = openFrameStore(config.frames);
const models = modelHandlers({
  pool,
  signingKey: modelKey,
  trustedKeys: trustedKeySet(modelKey, config.MODEL_TRUSTED_KEYS),
  frameStore,
  log: log.child({ part: 'models' }),
  metrics,
});
const notifications = notificationHandlers({
  pool,
  config: config.notifications,
  auditKeys: trustedKeySet(signingKey, config.AUDIT_TRUSTED_PUBLIC_KEYS),
  clock: systemClock,
});
const telemetry = await openTelemetryStorage(pool, config.db.TELEMETRY_PARTITION_DAYS);
// Partitions and retention change tables, which only the owner may do.
const ownerPool = createPool({ url: config.db.MIGRATION_DATABASE_URL ?? config.db.DATABASE_URL, role: '', poolSize: 1 });
const ownerTelemetry = await openTelemetryStorage(ownerPool, config.db.TELEMETRY_PARTITION_DAYS);
const retention = { rawDays: config.TELEMETRY_RETENTION_DAYS, minuteDays: config.TELEMETRY_MINUTE_ROLLUP_DAYS, hourDays: config.TELEMETRY_HOUR_ROLLUP_DAYS };
const host = startWorkerHost({
  connection: queueConnection(redis),
  redis,
  prefix: queuePrefix(redis, config.QUEUE_PREFIX),
  concurrency: {
    maintenance: config.WORKER_CONCURRENCY,
    inference: config.INFERENCE_CONCURRENCY,
    models: config.TRAINING_CONCURRENCY,
    notifications: config.NOTIFICATION_CONCURRENCY,
  },
  lockDurationMs: config.WORKER_LOCK_MS,
  maxStalls: config.WORKER_MAX_STALLS,
  onGiveUp: { ...models.onGiveUp, ...notifications.onGiveUp },
  log,
  metrics,
  handlers: {
    ...models.handlers,
    ...notifications.handlers,
    [auditCheckpointJob.name]: (payload: { organizationId?: string }) => runAuditCheckpoint({ pool, signingKey }, payload),
    [telemetryRollupJob.name]: () => runTelemetryRollup(telemetry),
    [telemetryMaintenanceJob.name]: () =>
      runTelemetryMaintenance(ownerTelemetry, retention, {
        pool,
        store: frameStore,
        frameRetentionDays: config.FRAME_RETENTION_DAYS,
        traceRetentionDays: config.observability.TRACE_RETENTION_DAYS,
      }),
    [driftSweepJob.name]: () => runDriftSweep(pool, host.queue('models'), config.DRIFT_EVERY_MINUTES * 60_000),
    [valueRecomputeJob.name]: (payload: { organizationId?: string }) => runValueRecompute(pool, payload, config.VALUE_LOOKBACK_DAYS),
    [reviewScheduleJob.name]: (payload: { organizationId?: string }) => runReviewSchedule(pool, payload),
    [alarmAcknowledgementJob.name]: (payload: { organizationId: string; alarmConditionId: string; comment: string }) => runAlarmAcknowledgement(pool, payload),
  },
});
const schedule = (job: Pick<JobDefinition<unknown>, 'name' | 'queue' | 'options'>, every: number, immediately = false) =>
  host.queue(job.queue).upsertJobScheduler(job.name, { every, immediately }, { name: job.name, data: {}, opts: job.options });
await schedule(telemetryMaintenanceJob, 3_600_000, true);
await schedule(telemetryRollupJob, config.TELEMETRY_ROLLUP_EVERY_SECONDS * 1000);
await schedule(auditCheckpointJob, config.AUDIT_CHECKPOINT_EVERY_MINUTES * 60_000);
await schedule(driftSweepJob, config.DRIFT_EVERY_MINUTES * 60_000);
await schedule(valueRecomputeJob, config.VALUE_EVERY_MINUTES * 60_000, true);
await schedule(reviewScheduleJob, config.REVIEW_SCHEDULE_EVERY_MINUTES * 60_000, true);
await schedule(notificationEscalationJob, config.notifications.NOTIFICATION_ESCALATION_EVERY_SECONDS * 1000);
await schedule(auditVerificationJob, config.AUDIT_VERIFY_EVERY_MINUTES * 60_000);
const relays = await startModelRelays({
  // LISTEN and the dispatcher's session lock need a connection of their own, not one through a transaction pooler.
  databaseUrl: config.db.DATABASE_SESSION_URL ?? config.db.DATABASE_URL,
  role: config.db.DATABASE_APP_ROLE,
  pool,
  queue: host.queue,
  log,
  dispatchMs: config.INFERENCE_DISPATCH_MS,
  maxWindowsPerAsset: config.INFERENCE_MAX_WINDOWS_PER_ASSET,
  maxWindowsPerJob: config.INFERENCE_MAX_WINDOWS_PER_JOB,
});
log.info({ queues: host.workers.map((w) => w.name), prefix: config.QUEUE_PREFIX, modelSigningKey: modelKey.keyId }, 'workers running');

registerQueueGauges(metrics, host.queues, () => systemClock.nowMs());
const sampler = new ProcessSampler(pool, metrics, log, config.observability.METRICS_SAMPLE_MS);
sampler.start();
const metricsServer =
  config.observability.WORKERS_METRICS_PORT === undefined
    ? null
    : // A taken port leaves the workers working, without their scrape, and says so.
      await serveMetrics(metrics, config.observability.WORKERS_METRICS_PORT, '127.0.0.1', config.observability.METRICS_TOKEN).catch((err: unknown) => {
        log.error({ err, port: config.observability.WORKERS_METRICS_PORT }, 'the workers metrics endpoint could not listen; the workers run without it');
        return null;
      });
if (metricsServer) log.info({ port: portOf(metricsServer) }, 'workers metrics on /metrics');

const ingest = IngestService.forPool(pool, telemetry, systemClock, metrics);
const events = new EventIngest(pool);
// With an ingest log the adapters acknowledge once the log has a point, and this process's writers store it.
const logSettings = ingestLogOf(config.db);
const ingestLog = logSettings ? await IngestLog.open(logSettings) : null;
const writers = ingestLog
  ? Array.from({ length: config.INGEST_LOG_WRITERS }, () => ingestLog.writer({ ingest, events }, log.child({ ingestLog: 'writer' })))
  : [];
const plantOrganization = config.MQTT_URL || config.OPCUA_ENDPOINT ? await adapterOrganization(pool, config.PLANT_ORGANIZATION) : null;
const frames = new FrameIngest(pool, frameStore);
const mqttAdapter =
  config.MQTT_URL && plantOrganization
    ? new MqttAdapter({
        url: config.MQTT_URL,
        organizationId: plantOrganization,
        ingest: ingestLog ?? ingest,
        events: ingestLog?.events ?? events,
        frames,
        log: log.child({ adapter: 'mqtt' }),
        topicPrefix: config.MQTT_TOPIC_PREFIX,
        clientId: config.MQTT_CLIENT_ID,
        connections: config.MQTT_CONNECTIONS,
      })
    : null;
await mqttAdapter?.start();
const opcuaAdapter =
  config.OPCUA_ENDPOINT && plantOrganization
    ? new OpcUaAdapter({
        endpointUrl: config.OPCUA_ENDPOINT,
        organizationId: plantOrganization,
        pool,
        ingest: ingestLog ?? ingest,
        events: ingestLog?.events ?? events,
        log: log.child({ adapter: 'opcua' }),
      })
    : null;
await opcuaAdapter?.start();
const cameraStreams =
  config.CAMERA_STREAMS.length > 0 && plantOrganization
    ? startCameraStreams(config.CAMERA_STREAMS, {
        ingest: frames,
        organizationId: plantOrganization,
        clock: systemClock,
        log: log.child({ adapter: 'camera' }),
      })
    : null;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    // Running jobs get their lock time to finish; a shutdown stuck beyond it (a database gone, a
    // hung connection) must not keep the process alive: BullMQ retries whatever was not done.
    setTimeout(() => {
      log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.WORKER_LOCK_MS + 5_000).unref();
    void Promise.all([mqttAdapter?.stop(), opcuaAdapter?.stop(), cameraStreams?.stop()])
      .then(() => Promise.all(writers.map((w) => w.stop())))
      .then(() => ingestLog?.close())
      .then(() => relays.stop())
      .then(() => host.close())
      .then(() => sampler.stop())
      .then(() => tracing.shutdown())
      .then(() => metricsServer?.close())
      .then(() => models.versions.close())
      .then(() => notifications.close())
      .then(() => Promise.all([pool.end(), ownerPool.end()]))
      .then(() => process.exit(0));
  });
}
