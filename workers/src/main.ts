// Starts the workers process: checks Redis, runs every queue's worker, schedules the repeatable
// jobs (audit checkpoints, telemetry rollups and maintenance), starts the plant adapters (MQTT and
// Sparkplug B, OPC UA), and shuts down cleanly on SIGINT/SIGTERM.
import pino from 'pino';
import { createPool } from '@threadline/db/client';
import { signingKeyFromPem, signingKeyPem } from '@threadline/db/audit/audit-keys';
import { readWorkersConfig } from './config.ts';
import { auditCheckpointJob, telemetryMaintenanceJob, telemetryRollupJob, type JobDefinition } from './queues/catalogue.ts';
import { runTelemetryMaintenance } from './processors/telemetry-maintenance.ts';
import { runTelemetryRollup } from './processors/telemetry-rollup.ts';
import { runAuditCheckpoint } from './processors/audit-checkpoint.ts';
import { checkNoEviction } from './redis-policy.ts';
import { startWorkerHost } from './worker-host.ts';
import { MqttAdapter } from './adapters/mqtt-adapter.ts';
import { OpcUaAdapter } from './adapters/opcua-adapter.ts';
import { adapterOrganization } from './adapters/organization.ts';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { EventIngest } from '@threadline/db/telemetry/events';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';

const config = readWorkersConfig();
const log = pino({ name: 'threadline-workers', level: config.LOG_LEVEL });
if ((await checkNoEviction(config.REDIS_URL)) === 'unknown') log.warn('could not read Redis maxmemory-policy; make sure it is noeviction');

const pool = createPool({ url: config.db.DATABASE_URL, role: config.db.DATABASE_APP_ROLE, poolSize: config.db.DATABASE_POOL_SIZE });
const signingKey = signingKeyFromPem(signingKeyPem(config.AUDIT_SIGNING_KEY, config.THREADLINE_KEY_DIR));
const telemetry = await openTelemetryStorage(pool, config.db.TELEMETRY_PARTITION_DAYS);
// Partitions and retention change tables, which only the owner may do.
const ownerPool = createPool({ url: config.db.MIGRATION_DATABASE_URL ?? config.db.DATABASE_URL, role: '', poolSize: 1 });
const ownerTelemetry = await openTelemetryStorage(ownerPool, config.db.TELEMETRY_PARTITION_DAYS);
const retention = { rawDays: config.TELEMETRY_RETENTION_DAYS, minuteDays: config.TELEMETRY_MINUTE_ROLLUP_DAYS, hourDays: config.TELEMETRY_HOUR_ROLLUP_DAYS };
const host = startWorkerHost({
  connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
  prefix: config.QUEUE_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  log,
  handlers: {
    [auditCheckpointJob.name]: (payload: { organizationId?: string }) => runAuditCheckpoint({ pool, signingKey }, payload),
    [telemetryRollupJob.name]: () => runTelemetryRollup(telemetry),
    [telemetryMaintenanceJob.name]: () => runTelemetryMaintenance(ownerTelemetry, retention),
  },
});
const schedule = (job: Pick<JobDefinition<unknown>, 'name' | 'queue' | 'options'>, every: number, immediately = false) =>
  host.queue(job.queue).upsertJobScheduler(job.name, { every, immediately }, { name: job.name, data: {}, opts: job.options });
await schedule(telemetryMaintenanceJob, 3_600_000, true);
await schedule(telemetryRollupJob, config.TELEMETRY_ROLLUP_EVERY_SECONDS * 1000);
await schedule(auditCheckpointJob, config.AUDIT_CHECKPOINT_EVERY_MINUTES * 60_000);
log.info({ queues: host.workers.map((w) => w.name), prefix: config.QUEUE_PREFIX }, 'workers running');

const ingest = IngestService.forPool(pool, telemetry);
const plantOrganization = config.MQTT_URL || config.OPCUA_ENDPOINT ? await adapterOrganization(pool, config.PLANT_ORGANIZATION) : null;
const mqttAdapter = config.MQTT_URL && plantOrganization
  ? new MqttAdapter({ url: config.MQTT_URL, organizationId: plantOrganization, ingest, events: new EventIngest(pool), log: log.child({ adapter: 'mqtt' }), topicPrefix: config.MQTT_TOPIC_PREFIX, connections: config.MQTT_CONNECTIONS })
  : null;
await mqttAdapter?.start();
const opcuaAdapter = config.OPCUA_ENDPOINT && plantOrganization
  ? new OpcUaAdapter({ endpointUrl: config.OPCUA_ENDPOINT, organizationId: plantOrganization, pool, ingest, log: log.child({ adapter: 'opcua' }) })
  : null;
await opcuaAdapter?.start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    void Promise.all([host.close(), mqttAdapter?.stop(), opcuaAdapter?.stop()]).then(() => Promise.all([pool.end(), ownerPool.end()])).then(() => process.exit(0));
  });
}
