// The shared pool survives the server closing its idle connections (a restart, failover or a
// terminated backend): the process does not crash on the dropped connection, and the next query
// gets a fresh one.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEmptyDatabase, databaseUrl } from '../../scripts/test/database.ts';
import { createPool } from './client.ts';

describe('the database pool', () => {
  it('replaces an idle connection the server terminated instead of crashing', async () => {
    const database = await createEmptyDatabase();
    const pool = createPool({ url: database.url, poolSize: 2 });
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    try {
      const { rows: [before] } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [before!.pid]);
      // The pool notices the dropped connection and removes it (without a listener of its own,
      // pg would throw this as an unhandled 'error' event and end the process).
      await expect.poll(() => pool.totalCount, { timeout: 5_000 }).toBe(0);
      const { rows: [after] } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(after!.pid).not.toBe(before!.pid);
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database.name)} WITH (FORCE)`);
      await admin.end();
    }
  });
});
