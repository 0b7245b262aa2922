// Every CHECK constraint of the migrated database has words for the caller, and no word is stale.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { CHECK_RULES } from './check-rules.ts';

describe('check rules', () => {
  it('explain exactly the CHECK constraints the migrations create', async () => {
    const client = new pg.Client({ connectionString: (await createTestDatabase()).url });
    await client.connect();
    try {
      const { rows } = await client.query<{ conname: string }>(
        "SELECT con.conname FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE con.contype = 'c' AND n.nspname = 'public'",
      );
      expect(rows.map((r) => r.conname).sort()).toEqual(Object.keys(CHECK_RULES).sort());
    } finally {
      await client.end();
    }
  });
});
