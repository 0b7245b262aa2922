// The one way the domain speaks SQL: `RawSql`, which a Prisma client or transaction and a pg pool
// or client all offer (through `rawSqlOf`), and `inTransaction`, the only way to open a
// transaction outside Prisma. Statements name their columns in camelCase (`AS "modelId"`), so a
// function returns rows its callers use as they come, and a write returns what it wrote.
import type pg from 'pg';

/** What a raw-SQL-capable Prisma client or transaction offers; both base and scoped clients fit. */
export interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** RawSql over a node-postgres pool or client, for writers that use pg directly (workers, ingest). */
export function rawSqlOf(client: pg.ClientBase | pg.Pool): RawSql {
  return {
    $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => (await client.query(query, values)).rows as T,
    $executeRawUnsafe: async (query: string, ...values: unknown[]) => (await client.query(query, values)).rowCount ?? 0,
  };
}

/** The rows a statement returns, typed by the caller. */
export function rows<T>(db: RawSql, query: string, ...values: unknown[]): Promise<T[]> {
  return db.$queryRawUnsafe<T[]>(query, ...values);
}

/** The first row a statement returns, or undefined. */
export async function row<T>(db: RawSql, query: string, ...values: unknown[]): Promise<T | undefined> {
  return (await db.$queryRawUnsafe<T[]>(query, ...values))[0];
}

/**
 * Runs work in one PostgreSQL transaction on a pooled connection: commit when it resolves, roll
 * back when it throws. The work gets the connection both as RawSql and as a pg client (for COPY
 * and row-mode reads).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (db: RawSql, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(rawSqlOf(client), client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Takes a session-level advisory lock named by `name` on this connection if it is free; true when taken. */
export async function tryAdvisoryLock(db: RawSql, name: string): Promise<boolean> {
  const taken = await row<{ locked: boolean }>(db, 'SELECT pg_try_advisory_lock(hashtext($1)) AS locked', name);
  return taken!.locked;
}

/** Resolves when the database answers a trivial statement (health checks). */
export async function ping(db: RawSql): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}

/** A row's snake_case columns named in camelCase, as the Prisma models name them (for `RETURNING *`). */
export function camelCased<T>(raw: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()), value])) as T;
}

/** The row a write returns (`RETURNING *`), camel-cased; undefined when it wrote none. */
export async function written<T>(db: RawSql, query: string, ...values: unknown[]): Promise<T | undefined> {
  const found = await row<Record<string, unknown>>(db, query, ...values);
  return found && camelCased<T>(found);
}
