// Per-test-file databases copied from the run's seeded template, so files run in parallel
// without seeing each other's writes.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    serverUrl: string;
    runId: string;
  }
}

export interface TestDatabase {
  name: string;
  url: string;
}

export function databaseUrl(name: string): string {
  const u = new URL(inject('serverUrl'));
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh copy of the migrated, seeded template database. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('templateDatabase');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  return { name, url: databaseUrl(name) };
}

/** An empty database (not migrated), for migrator tests. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const name = `${inject('templateDatabase')}_empty_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return { name, url: databaseUrl(name) };
}
