// The one way Threadline's API and workers get a database connection: a pg pool acting as the
// application role, shared by Prisma (through @prisma/adapter-pg) and the raw-SQL repositories.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { logger } from './logger.ts';

export { Prisma, PrismaClient } from './generated/prisma/client.ts';
/** Rows as the Prisma models name them, for domain functions that return what they wrote. */
export type { Approval, GateDecision, Insight, ModelVersion } from './generated/prisma/client.ts';
export type * from './generated/prisma/models.ts';
export * from './generated/prisma/enums.ts';

export interface DbOptions {
  url: string;
  /** Role to act as (`SET ROLE` at connect); empty string keeps the connecting user. */
  role?: string;
  poolSize?: number;
  /** Called with every SQL statement sent, for statement budgets and diagnostics. */
  onStatement?: (sql: string) => void;
}

export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** A pg Client that reports each statement before sending it. */
function meteredClient(onStatement: (sql: string) => void): typeof pg.Client {
  return class MeteredClient extends pg.Client {
    // pg's query() has many overloads; the meter only needs the text.
    override query(...args: unknown[]): never {
      const first = args[0] as string | { text?: string };
      onStatement(typeof first === 'string' ? first : (first.text ?? ''));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  };
}

export function createPool(options: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    options: options.role ? `-c role=${options.role}` : undefined,
    ...(options.onStatement ? { Client: meteredClient(options.onStatement) } : {}),
  });
  // A connection dropped by the server (restart, failover, a terminated backend) is discarded by
  // the pool and replaced on next use. Without listeners it would crash the process: the pool
  // re-emits an idle connection's error, and a checked-out one between two queries emits its own.
  // Both reach the connection's listener, which logs it once.
  pool.on('error', () => undefined);
  pool.on('connect', (client) =>
    client.on('error', (err) => logger.warn({ err: err.message }, 'the server closed a database connection; its next use fails and the pool replaces it')),
  );
  return pool;
}

export function createDb(options: DbOptions): Db {
  const pool = createPool(options);
  // 'minimal': Prisma otherwise captures a stack trace on every query, to point a validation error at
  // its call site (~9 % of the API's CPU time on the portal's overview). Errors keep their codes and
  // messages; only that code frame is gone.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), errorFormat: 'minimal' });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
