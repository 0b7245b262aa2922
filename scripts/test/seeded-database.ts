// A throw-away database for one benchmark or chaos run: migrated, seeded with the demo plant, dropped at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from '@threadline/db/client';
import { prepareDatabase } from '@threadline/db/prepare-database';
import { seedDemoPlant } from '@threadline/db/seed/demo-plant';

export interface SeededDatabase {
  url: string;
  drop(): Promise<void>;
}

/** On the server of `server` (the machine's, from DATABASE_URL, unless named). */
export async function createSeededDatabase(server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<SeededDatabase> {
  const admin = new URL(server);
  admin.pathname = '/postgres';
  const name = `tl_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  await prepareDatabase(url.toString());
  const owner = createDb({ url: url.toString(), role: '' });
  await seedDemoPlant(owner.prisma);
  await owner.close();
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: admin.toString() });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
