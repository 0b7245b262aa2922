// Drops the journeys' database and their workers' queue keys after the run.
import pg from 'pg';
import { dropQueuePrefix } from '../scripts/test/redis-prefix.ts';

export default async function teardown(): Promise<void> {
  const prefix = process.env.E2E_QUEUE_PREFIX;
  if (prefix) await dropQueuePrefix(prefix);
  const name = process.env.E2E_DATABASE;
  if (!name) return;
  const admin = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
