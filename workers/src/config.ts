// Reads the workers' environment once and fails at start naming the missing or bad variable.
import { parseEnv, readDbConfig, type DbConfig } from '@threadline/db/config';
import { DEFAULT_KEY_DIR } from '@threadline/db/audit/audit-keys';
import { hostname } from 'node:os';
import { z } from 'zod';
import { cameraStreamsSchema } from './adapters/camera-streams.ts';
import { readFrameStoreConfig, type FrameStoreConfig } from '@threadline/db/vision/frame-store';
import { readObservabilityConfig, type ObservabilityConfig } from '@threadline/db/observability/observability-config';
import { readNotificationConfig, type NotificationConfig } from '@threadline/db/notifications/notification-config';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.url({ error: 'REDIS_URL must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  /** Seeds of a Redis Cluster ("host:port,host:port"); when set the queues live there (prefix made a hash tag) and REDIS_URL is not used. */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^:,\s]+:\d{1,5}(,[^:,\s]+:\d{1,5})*$/, { error: 'REDIS_CLUSTER_NODES must be host:port[,host:port…]' })
    .optional(),
  /** Key prefix of every queue, so several installations (or test runs) can share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/)
    .default('threadline'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Writers this process runs on the ingest log (INGEST_LOG_URL); 0 makes it a gateway only. */
  INGEST_LOG_WRITERS: z.coerce.number().int().min(0).max(16).default(1),
  AUDIT_SIGNING_KEY: z.string().optional(),
  /** Ed25519 private key (PKCS#8 PEM, or base64 of it) that signs model versions trained here. */
  MODEL_SIGNING_KEY: z.string().optional(),
  /** Further public keys (comma-separated PEMs or base64) whose signed versions may be loaded. */
  MODEL_TRUSTED_KEYS: z.string().optional(),
  /** Jobs of each queue one process runs at once. */
  INFERENCE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  TRAINING_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(1),
  /** How long arriving telemetry is gathered into one inference batch. */
  INFERENCE_DISPATCH_MS: z.coerce.number().int().min(0).max(10_000).default(20),
  /** Most windows an asset is scored for at once after a gap; older ones are skipped. */
  INFERENCE_MAX_WINDOWS_PER_ASSET: z.coerce.number().int().min(1).max(100_000).default(360),
  INFERENCE_MAX_WINDOWS_PER_JOB: z.coerce.number().int().min(1).max(10_000).default(2_000),
  /** A job whose worker stops renewing its lock this long (e.g. killed) runs again elsewhere. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** How often a job may lose its worker (killed, crashed) and run again before it is failed as one that kills its workers. */
  WORKER_MAX_STALLS: z.coerce.number().int().min(0).max(100).default(5),
  THREADLINE_KEY_DIR: z.string().default(DEFAULT_KEY_DIR),
  /** The plant's MQTT broker; the adapter subscribes to threadline/# and spBv1.0/#. Empty to run without it. */
  MQTT_URL: z.union([z.url(), z.literal('')]).default('mqtt://127.0.0.1:1883'),
  /** Organisation (slug) whose plant publishes to the MQTT broker and OPC UA server; may be left out when there is only one. */
  PLANT_ORGANIZATION: z.string().optional(),
  MQTT_TOPIC_PREFIX: z.string().default(''),
  /**
   * The MQTT client id's stem (connections add -0, -1, …): keep it stable across restarts and distinct per workers
   * process, so a restarted process resumes its broker session and is delivered what it had not acknowledged.
   */
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default(
      `threadline-ingest-${hostname()
        .replace(/[^A-Za-z0-9_-]/g, '-')
        .slice(0, 20)}`,
    ),
  /**
   * Video sources the gateway samples into camera frames with ffmpeg, as JSON: a list of
   * { source, assetCode, camera, fps, startedAt? } (adapters/camera-streams.ts); none when unset.
   */
  CAMERA_STREAMS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return cameraStreamsSchema.parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `CAMERA_STREAMS must be a JSON list of { source, assetCode, camera, fps }: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  /** Connections sharing the plain MQTT topics, each storing one message at a time. */
  MQTT_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(4),
  /** OPC UA server whose nodes the OPC_UA signals name, e.g. opc.tcp://127.0.0.1:4840/UA/Threadline. Empty: no OPC UA. */
  OPCUA_ENDPOINT: z
    .string()
    .regex(/^(opc\.tcp:\/\/.+)?$/, 'OPCUA_ENDPOINT must be an opc.tcp:// URL')
    .default(''),
  /** How often telemetry rollups are brought up to date. */
  TELEMETRY_ROLLUP_EVERY_SECONDS: z.coerce.number().int().min(1).max(3_600).default(5),
  /** Days raw telemetry, 1-minute and 1-hour rollups are kept (1-day rollups are kept for ever). */
  TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  /** Days camera frames are kept; labelled frames (training data) and frames behind an insight are kept longer. */
  FRAME_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  TELEMETRY_MINUTE_ROLLUP_DAYS: z.coerce.number().int().min(1).default(180),
  TELEMETRY_HOUR_ROLLUP_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .default(3 * 365),
  /** How often every live deployment is checked for drift. */
  DRIFT_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** How often computed KPIs, wave gates, first values and ROI snapshots are brought up to date. */
  VALUE_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  /** Days of computed KPI measurements redone on each pass, so late data is counted. */
  VALUE_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** How often the review rhythm is scheduled and missed reviews marked. */
  REVIEW_SCHEDULE_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  /** How often the audit chain heads are signed. */
  AUDIT_CHECKPOINT_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(10),
  /** How often every audit chain is recomputed, a break told to the rules of audit.chain_broken. */
  AUDIT_VERIFY_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** Earlier checkpoint public keys (SPKI PEM, blank-line separated) the chain watch still trusts after a rotation. */
  AUDIT_TRUSTED_PUBLIC_KEYS: z.string().default(''),
  /** Notification deliveries sent at once per process. */
  NOTIFICATION_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
});

export type WorkersConfig = z.infer<typeof schema> & {
  db: DbConfig;
  frames: FrameStoreConfig;
  observability: ObservabilityConfig;
  notifications: NotificationConfig;
};

export function readWorkersConfig(env: NodeJS.ProcessEnv = process.env): WorkersConfig {
  const config = parseEnv(schema, env, 'workers');
  if (config.NODE_ENV === 'production' && (!config.AUDIT_SIGNING_KEY || !config.MODEL_SIGNING_KEY)) {
    throw new Error('In production AUDIT_SIGNING_KEY and MODEL_SIGNING_KEY must be set; see README (configuration).');
  }
  return {
    ...config,
    db: readDbConfig(env),
    frames: readFrameStoreConfig(env),
    observability: readObservabilityConfig(env),
    notifications: readNotificationConfig(env),
  };
}
