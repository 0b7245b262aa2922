// Brings a database to the current schema: creates it when missing, applies pending migrations,
// installs telemetry storage and (over it) the bi schema's views. Runs as the owner role; used by `npm run db:migrate` and tests.
import pg from 'pg';
import { migrate, readMigrations, type MigrateResult } from './migrator.ts';
import { openTelemetryStorage, type StorageKind } from './telemetry/storage.ts';
import { dropBiViews, installBiViews } from './exports/bi-views.ts';

export interface PrepareResult extends MigrateResult {
  created: boolean;
  telemetry: StorageKind;
}

export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rows.length > 0) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

export async function prepareDatabase(url: string, partitionDays = 1): Promise<PrepareResult> {
  const created = await createDatabaseIfMissing(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const client = await pool.connect();
    let result: MigrateResult;
    try {
      result = await migrate(client, readMigrations());
    } finally {
      client.release();
    }
    const storage = await openTelemetryStorage(pool, partitionDays);
    // The bi views read the telemetry tables: out of the way while the storage changes them.
    await dropBiViews(pool);
    await storage.install();
    await installBiViews(pool);
    return { ...result, created, telemetry: storage.kind };
  } finally {
    await pool.end();
  }
}
