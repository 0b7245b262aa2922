// Once per test run: a template database migrated and seeded with the demo plant, from which each
// test file copies its own database; all of them are dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '@threadline/db/client';
import { prepareDatabase } from '@threadline/db/prepare-database';
import { seedDemoPlant } from '@threadline/db/seed/demo-plant';
import './database.ts';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const serverUrl =
    process.env.TEST_DATABASE_URL ?? process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const template = `tl_test_${runId}`;
  await prepareDatabase(withDatabase(serverUrl, template));
  const db = createDb({ url: withDatabase(serverUrl, template), role: '' });
  await seedDemoPlant(db.prisma, new Date('2026-11-01T08:00:00Z'));
  await db.close();
  project.provide('templateDatabase', template);
  project.provide('serverUrl', serverUrl);
  project.provide('runId', runId);

  return async () => {
    const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${template}%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    await admin.end();
  };
}
