// Reads the database package's environment once, failing at start with the variable's name.
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.url({ error: 'DATABASE_URL must be a postgres:// URL' }).default('postgres://postgres@127.0.0.1:5432/threadline'),
  /** Owner connection for migrations; defaults to DATABASE_URL. */
  MIGRATION_DATABASE_URL: z.url().optional(),
  /** A direct connection (not through a transaction pooler such as PgBouncer) for LISTEN and session locks; defaults to DATABASE_URL. */
  DATABASE_SESSION_URL: z.url().optional(),
  /** A streaming replica the portal's and the exports' reads go to while it keeps up (see DATABASE_READ_MAX_LAG_MS). */
  DATABASE_READ_URL: z.url().optional(),
  /** Reads go back to the primary while the replica is this far behind, or unreachable. */
  DATABASE_READ_MAX_LAG_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** Role the API and workers act as; empty to use the connecting user as it is. */
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'DATABASE_APP_ROLE must be a plain role name')
    .or(z.literal(''))
    .default('threadline_app'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** NATS JetStream (nats://host:port, comma-separated for a cluster): gateways acknowledge once a point is in this log, and writers store it (telemetry/ingest-log.ts). */
  INGEST_LOG_URL: z
    .string()
    .regex(/^nats:\/\/[^,\s]+(,nats:\/\/[^,\s]+)*$/, { error: 'INGEST_LOG_URL must be nats://host:port[,nats://host:port…]' })
    .optional(),
  INGEST_LOG_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('threadline-ingest'),
  /** Copies of the log: 1 on a single NATS server, 3 on a cluster of three (a quorum acknowledges). */
  INGEST_LOG_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /** Telemetry partition width for the native (non-TimescaleDB) store. */
  TELEMETRY_PARTITION_DAYS: z.coerce.number().int().min(1).max(31).default(1),
});

export type DbConfig = z.infer<typeof schema>;

/** Parses the environment with a schema, or fails naming every bad variable. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, what: string): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid ${what} configuration: ${issues}`);
  }
  return parsed.data;
}

/** The ingest log's settings, when one is configured. */
export function ingestLogOf(config: DbConfig): { url: string; stream: string; replicas: number } | null {
  return config.INGEST_LOG_URL ? { url: config.INGEST_LOG_URL, stream: config.INGEST_LOG_STREAM, replicas: config.INGEST_LOG_REPLICAS } : null;
}

export function readDbConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  return parseEnv(schema, env, 'database');
}
