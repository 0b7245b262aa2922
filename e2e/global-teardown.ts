// Stops the journeys' workers, then drops their database and queue keys after the run.
import { readFile, rm } from 'node:fs/promises';
import pg from 'pg';
import { dropQueuePrefix } from '../scripts/test/redis-prefix.ts';

/** Stops the workers' process group: SIGTERM, then SIGKILL when it has not ended within 10 s. */
async function stopWorkers(): Promise<void> {
  const file = process.env.E2E_WORKERS_PGID_FILE;
  if (!file) return;
  const pgid = Number(await readFile(file, 'utf8').catch(() => ''));
  await rm(file, { force: true });
  if (!Number.isInteger(pgid) || pgid <= 1) return;
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(-pgid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive()) process.kill(-pgid, 'SIGKILL');
}

export default async function teardown(): Promise<void> {
  await stopWorkers();
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
