// The shared pool survives the server closing its connections (a restart, failover or a terminated
// backend), idle ones and ones checked out between two queries alike: the process does not crash on
// the dropped connection, and the next query gets a fresh one. The run's teardown drops the
// databases (a DROP DATABASE waits for a checkpoint, which took over a minute on a saturated machine).
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
      const {
        rows: [before],
      } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [before!.pid]);
      // The pool notices the dropped connection and removes it (without a listener of its own,
      // pg would throw this as an unhandled 'error' event and end the process).
      await expect.poll(() => pool.totalCount, { timeout: 30_000 }).toBe(0);
      const {
        rows: [after],
      } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(after!.pid).not.toBe(before!.pid);
    } finally {
      await pool.end();
      await admin.end();
    }
  });

  it('survives the server dropping a connection that is checked out between two queries, and discards it', async () => {
    const database = await createEmptyDatabase();
    const pool = createPool({ url: database.url, poolSize: 2 });
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    const crashes: unknown[] = [];
    const onUncaught = (err: unknown) => crashes.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const client = await pool.connect();
      const {
        rows: [held],
      } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The connection dies while its holder is busy elsewhere (between two statements of a transaction, say).
      await admin.query('SELECT pg_terminate_backend($1)', [held!.pid]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(crashes).toEqual([]);
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      await expect.poll(() => pool.totalCount, { timeout: 30_000 }).toBe(0);
      expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
      await admin.end();
    }
  });
});
