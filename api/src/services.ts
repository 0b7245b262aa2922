// The process-wide services of the API, built once at start from configuration.
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { createDb, createPool, type Db } from '@threadline/db/client';
import { DynamicSecurityBroker } from './modules/devices/broker-control.ts';
import { devSecret, signingKeyFromPem, signingKeyPem, trustedKeySet, type SigningKey } from '@threadline/db/audit/audit-keys';
import type { ApiConfig } from './config.ts';
import { TokenService } from './auth/tokens.ts';
import { AccessService } from './modules/people/access.service.ts';
import { OidcVerifier } from './auth/oidc.ts';
import { SessionCache } from './auth/session-cache.ts';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { PipelineMetrics } from '@threadline/db/observability/metrics';
import { registerHealthGauges } from '@threadline/db/observability/health-gauges';
import { ProcessSampler } from '@threadline/db/observability/process-samples';
import { ReadGate } from './security/read-gate.ts';
import { EventIngest } from '@threadline/db/telemetry/events';
import { openTelemetryStorage, type TelemetryStorage } from '@threadline/db/telemetry/storage';
import { rawSqlOf } from '@threadline/db/sql';
import { publishSigningKey } from '@threadline/db/models/registry';
import { TokenBucketLimiter, type RateLimiter } from './security/rate-limiter.ts';
import { RedisTokenBucketLimiter } from './security/redis-rate-limiter.ts';
import { systemClock, type Clock } from '@threadline/db/clock';
import { ReadReplica, singlePool } from '@threadline/db/read-replica';
import { IngestLog } from '@threadline/db/telemetry/ingest-log';
import { ingestLogOf } from '@threadline/db/config';
import { FrameIngest } from '@threadline/db/vision/frame-ingest';
import { openFrameStore, type FrameStore } from '@threadline/db/vision/frame-store';

export interface Services {
  config: ApiConfig;
  log: Logger;
  db: Db;
  access: AccessService;
  keyRate: RateLimiter;
  telemetry: TelemetryStorage;
  /** Where ingested points go: the database, or the ingest log in front of it (INGEST_LOG_URL). */
  ingest: Pick<IngestService, 'ingest'>;
  /** Writes that bypass the ingest log, on the database itself: corrections of stored points and recalculations of calculated signals. */
  directWrites: Pick<IngestService, 'recalculate' | 'correct'>;
  /** Expensive reads, on a pool of their own, shared fairly between callers (security/read-gate.ts). */
  reads: ReadGate;
  events: Pick<EventIngest, 'ingest'>;
  /** Camera frames: the one ingest path and the store their bytes live in (FRAME_STORE_DIR or FRAME_STORE_S3_URL). */
  frames: { ingest: FrameIngest; store: FrameStore };
  /** The ingest log, when one is configured (closed with the API). */
  ingestLog: IngestLog | null;
  auditKeys: { signing: SigningKey; trusted: ReadonlyMap<string, KeyObject> };
  modelKeys: { signing: SigningKey; trusted: ReadonlyMap<string, KeyObject> };
  /** Every read of the current time in the API goes through it (tests fix it). */
  clock: Clock;
  /** The streaming replica reads go to while it keeps up (DATABASE_READ_URL), or null. */
  replica: ReadReplica | null;
  /** Device identities: the secret their authorities' keys are sealed with, and the broker told of them (MQTT_ADMIN_URL), or null. */
  devices: { authoritySecret: string; broker: DynamicSecurityBroker | null };
  /** This process's Prometheus metrics (GET /metrics), and its sampler for the pipeline-health page. */
  metrics: PipelineMetrics;
  sampler: ProcessSampler;
}

/** The database a caller's reads go to: the replica while it serves theirs, the primary otherwise. */
export function readerFor(services: Services, caller: string): Db {
  return services.replica?.dbFor(caller) ?? services.db;
}

export async function createServices(config: ApiConfig, log: Logger, onStatement?: (sql: string) => void, clock: Clock = systemClock): Promise<Services> {
  const db = createDb({
    url: config.db.DATABASE_URL,
    role: config.db.DATABASE_APP_ROLE,
    poolSize: config.db.DATABASE_POOL_SIZE,
    ...(onStatement ? { onStatement } : {}),
  });
  const tokenSecret = config.AUTH_TOKEN_SECRET ?? devSecret(config.THREADLINE_KEY_DIR, 'auth-token');
  const signing = signingKeyFromPem(signingKeyPem(config.AUDIT_SIGNING_KEY, config.THREADLINE_KEY_DIR));
  const telemetry = await openTelemetryStorage(db.pool, config.db.TELEMETRY_PARTITION_DAYS, clock);
  const metrics = new PipelineMetrics('api');
  registerHealthGauges(metrics, rawSqlOf(db.pool));
  const modelSigning = signingKeyFromPem(signingKeyPem(config.MODEL_SIGNING_KEY, config.THREADLINE_KEY_DIR, 'model'));
  await publishSigningKey(rawSqlOf(db.pool), modelSigning, !config.MODEL_SIGNING_KEY);
  const pooled = (url: string, poolSize: number) => createPool({ url, role: config.db.DATABASE_APP_ROLE, poolSize, ...(onStatement ? { onStatement } : {}) });
  const readUrl = config.db.DATABASE_READ_URL;
  const replica = readUrl
    ? new ReadReplica(
        db,
        createDb({ url: readUrl, role: config.db.DATABASE_APP_ROLE, poolSize: config.db.DATABASE_POOL_SIZE, ...(onStatement ? { onStatement } : {}) }),
        config.db.DATABASE_READ_MAX_LAG_MS,
        clock,
      )
    : null;
  await replica?.start();
  const logSettings = ingestLogOf(config.db);
  const ingestLog = logSettings ? await IngestLog.open(logSettings, clock) : null;
  const frameStore = openFrameStore(config.frames);
  const expensiveReads = pooled(config.db.DATABASE_URL, config.READ_POOL_SIZE);
  const keyRate: RateLimiter = config.RATE_LIMIT_REDIS_URL
    ? new RedisTokenBucketLimiter(config.RATE_LIMIT_REDIS_URL, config.API_KEY_RATE_PER_SECOND, config.API_KEY_BURST, log, clock)
    : new TokenBucketLimiter(config.API_KEY_RATE_PER_SECOND, config.API_KEY_BURST, clock);
  const direct = IngestService.forPool(db.pool, telemetry, clock, metrics);
  return {
    config,
    log,
    db,
    access: new AccessService(
      db,
      new TokenService(tokenSecret, config.AUTH_TOKEN_TTL_MINUTES, clock),
      keyRate,
      new SessionCache(config.SESSION_CACHE_SECONDS * 1000, clock),
      log,
      clock,
      config.oidc && new OidcVerifier(config.oidc, clock),
      config.PASSWORD_SIGN_IN === 'on',
    ),
    keyRate,
    telemetry,
    ingest: ingestLog ?? direct,
    directWrites: direct,
    reads: new ReadGate(
      replica && readUrl ? replica.readPools(expensiveReads, pooled(readUrl, config.READ_POOL_SIZE)) : singlePool(expensiveReads),
      config.READS_PER_CALLER,
      config.READ_TIME_BUDGET_MS,
      clock,
    ),
    events: ingestLog?.events ?? new EventIngest(db.pool, clock),
    frames: { ingest: new FrameIngest(db.pool, frameStore, clock), store: frameStore },
    ingestLog,
    auditKeys: { signing, trusted: trustedKeySet(signing, config.AUDIT_TRUSTED_PUBLIC_KEYS) },
    modelKeys: { signing: modelSigning, trusted: trustedKeySet(modelSigning, config.MODEL_TRUSTED_KEYS) },
    clock,
    replica,
    devices: {
      authoritySecret: config.DEVICE_CA_SECRET ?? devSecret(config.THREADLINE_KEY_DIR, 'device-ca'),
      broker: config.MQTT_ADMIN_URL
        ? new DynamicSecurityBroker({ url: config.MQTT_ADMIN_URL, username: config.MQTT_ADMIN_USERNAME, password: config.MQTT_ADMIN_PASSWORD })
        : null,
    },
    metrics,
    sampler: new ProcessSampler(db.pool, metrics, log, config.observability.METRICS_SAMPLE_MS),
  };
}
