// The migrator applies pending migrations once, records them as Prisma does, refuses edited
// history and leaves nothing behind from a migration that fails.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../../scripts/test/database.ts';
import { migrate, readMigrations, type Migration } from './migrator.ts';

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });

describe('migrator', () => {
  let client: pg.Client;
  beforeEach(async () => {
    client = new pg.Client({ connectionString: (await createEmptyDatabase()).url });
    await client.connect();
  });
  afterEach(async () => client.end());

  it('applies the project migrations in name order and records each in _prisma_migrations with its checksum', async () => {
    const files = readMigrations();
    expect(files.map((f) => f.name)).toEqual([...files.map((f) => f.name)].sort());
    const result = await migrate(client, files);
    expect(result.applied).toEqual(files.map((f) => f.name));
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count, r.rolled_back_at])).toEqual(files.map((f) => [f.name, f.checksum, 1, null]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it('applies nothing the second time', async () => {
    await migrate(client, readMigrations());
    const again = await migrate(client, readMigrations());
    expect(again).toEqual({ applied: [], alreadyApplied: readMigrations().length });
  });

  it('upgrades an edge target that reported NO_MODEL to FALLBACK, which it ran, and refuses NO_MODEL afterwards', async () => {
    const files = readMigrations();
    const before = files.findIndex((f) => f.name === '20261205000500_edge_agent_modes');
    await migrate(client, files.slice(0, before));
    const org = (await client.query("INSERT INTO organizations (name, slug) VALUES ('Old plant', 'old-plant') RETURNING id")).rows[0].id;
    await client.query(
      "INSERT INTO edge_targets (organization_id, name, kind, runtime, agent_mode) VALUES ($1, 'gw-1', 'GATEWAY', 'onnxruntime', 'NO_MODEL')",
      [org],
    );
    await migrate(client, files);
    expect((await client.query("SELECT agent_mode FROM edge_targets WHERE name = 'gw-1'")).rows).toEqual([{ agent_mode: 'FALLBACK' }]);
    await expect(client.query("UPDATE edge_targets SET agent_mode = 'NO_MODEL' WHERE name = 'gw-1'")).rejects.toThrow(/edge_targets_agent_mode_check/);
  });

  it('refuses to run when an applied migration was edited', async () => {
    await migrate(client, [migration('20260101000000_a', 'CREATE TABLE a (id int)')]);
    await expect(migrate(client, [migration('20260101000000_a', 'CREATE TABLE a (id bigint)')])).rejects.toThrow(/was changed after it was applied/);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    await expect(
      migrate(client, [
        migration('20260101000000_ok', 'CREATE TABLE ok (id int)'),
        migration('20260101000001_bad', 'CREATE TABLE half (id int); SELECT no_such_function();'),
      ]),
    ).rejects.toThrow(/20260101000001_bad failed and was rolled back/);
    const tables = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    expect(tables.rows.map((r) => r.tablename)).toEqual(['_prisma_migrations', 'ok']);
    const recorded = await client.query('SELECT migration_name FROM _prisma_migrations');
    expect(recorded.rows.map((r) => r.migration_name)).toEqual(['20260101000000_ok']);
  });
});
