// A failure inside the server reaches the client as INTERNAL_SERVER_ERROR with a plain message:
// no SQL, no table or constraint names, no stack; the details go to the server's log only.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';

describe('errors leak no internals', () => {
  let api: ApiHarness;
  let owner: pg.Client;

  beforeAll(async () => {
    api = await startApi();
    owner = new pg.Client({ connectionString: api.database.url });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await api?.close();
  });

  it('answers a database failure with a generic INTERNAL_SERVER_ERROR', async () => {
    const token = await api.login('viewer@northwind.example');
    // The application role loses its read right on one table: the query fails inside PostgreSQL.
    await owner.query('REVOKE SELECT ON sites FROM threadline_app');
    try {
      const res = await api.gql('{ sites { nodes { id name } } }', {}, token);
      const error = res.errors![0]!;
      expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
      expect(error.message).toBe('Something went wrong on the server; it has been logged. Try again or contact your administrator.');
      expect(Object.keys(error).filter((k) => !['message', 'locations', 'path', 'extensions'].includes(k))).toEqual([]);
      expect(JSON.stringify({ message: error.message, extensions: error.extensions })).not.toMatch(
        /permission|denied|relation|SELECT|threadline_app|\.ts:|stack/i,
      );
    } finally {
      await owner.query('GRANT SELECT ON sites TO threadline_app');
    }
    expect((await api.gql('{ sites { totalCount } }', {}, token)).errors).toBeUndefined();
  });
});
