// Cost that a static limit does not see (issue 17, item 2): an operation is refused by what its
// telemetry fields will really read (limits, range / width, times the page sizes around them);
// expensive reads run on a pool of their own, at most READS_PER_CALLER at once per caller, within
// one time budget per request that PostgreSQL enforces; /health answers while they run.
import { singlePool } from '@threadline/db/read-replica';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@threadline/db/clock';
import { createPool } from '@threadline/db/client';
import { httpRequest, startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { READ_ROWS_PER_OPERATION } from './read-cost.ts';
import { ReadGate } from './read-gate.ts';

describe('read budget', () => {
  let api: ApiHarness;
  let token: string;
  let signalId: string;
  const to = new Date(Date.now() - 60_000).toISOString();
  const dayAgo = new Date(Date.now() - 86_460_000).toISOString();
  const monthAgo = new Date(Date.now() - 31 * 86_400_000).toISOString();

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('viewer@northwind.example');
    signalId = (await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'power', asset: { code: 'LEJ-L1-CMP01' } } })).id;
  });
  afterAll(async () => api?.close());

  const aliases = (n: number, field: (i: number) => string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;

  it('refuses 20 raw reads of 10,000 points by their limits, and lets 10 through', async () => {
    const raw = (n: number) => aliases(n, () => `telemetry(range: { signalId: "${signalId}", from: "${dayAgo}", to: "${to}", limit: 10000 }) { time }`);
    const refused = await api.gql(raw(20), {}, token);
    expect(refused.errors![0]!.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      details: { estimatedRows: 200_000, limit: READ_ROWS_PER_OPERATION },
    });
    expect(refused.errors![0]!.message).toMatch(/would read about 200,000 telemetry rows; at most 100,000 per operation/);
    expect((await api.gql(raw(10), {}, token)).errors).toBeUndefined();
  });

  it('counts aggregate buckets as range / width, read from variables too', async () => {
    const query = `query($input: Part13Input!) ${aliases(20, () => 'telemetryAggregates(input: $input) { bucket }')}`;
    const refused = await api.gql(query, { input: { signalId, from: dayAgo, to, bucketSeconds: 1 } }, token);
    expect(refused.errors![0]!.extensions!.details).toEqual({ estimatedRows: 200_000, limit: READ_ROWS_PER_OPERATION });
    expect((await api.gql(query, { input: { signalId, from: dayAgo, to, bucketSeconds: 3600 } }, token)).errors).toBeUndefined();
  });

  it('multiplies a series inside a list by the page size', async () => {
    const query = `{ assets(first: 40) { nodes { signals { series(width: ONE_MINUTE, from: "${monthAgo}", to: "${to}") { bucket } } } } }`;
    const refused = await api.gql(query, {}, token);
    expect(refused.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors![0]!.extensions!.details).toMatchObject({ estimatedRows: 40 * (31 * 1440 - 1) });
  });

  describe('the read gate', () => {
    const pool = () => singlePool(createPool({ url: api.database.url, poolSize: 4 }));
    const sleep = (seconds: number) => async (client: { query(sql: string): Promise<unknown> }) => {
      const started = Date.now();
      await client.query(`SELECT pg_sleep(${seconds})`);
      return { started, ended: Date.now() };
    };

    it('stops a read that passes the request budget with QUERY_TIMEOUT, and shares the budget between the reads of a request', async () => {
      const gate = new ReadGate(pool(), 2, 1_500, systemClock);
      try {
        await expect(gate.run(gate.budgetFor('key:a'), sleep(30))).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
        const budget = gate.budgetFor('key:b');
        await gate.run(budget, sleep(1));
        await expect(gate.run(budget, sleep(1))).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
      } finally {
        await gate.close();
      }
    });

    it("runs a caller's reads in turn while another caller's go straight through", async () => {
      const gate = new ReadGate(pool(), 1, 30_000, systemClock);
      try {
        const order: string[] = [];
        const first = gate.run(gate.budgetFor('key:busy'), sleep(1)).then((t) => (order.push('busy 1'), t));
        const second = gate.run(gate.budgetFor('key:busy'), sleep(0)).then((t) => (order.push('busy 2'), t));
        const other = gate.run(gate.budgetFor('key:other'), sleep(0)).then((t) => (order.push('other'), t));
        const [one, two] = await Promise.all([first, second, other]);
        expect(order).toEqual(['other', 'busy 1', 'busy 2']);
        expect(two.started).toBeGreaterThanOrEqual(one.ended);
      } finally {
        await gate.close();
      }
    });

    it('refuses a queued read whose budget runs out while it waits', async () => {
      const gate = new ReadGate(pool(), 1, 300, systemClock);
      try {
        const long = gate.run({ caller: 'key:c', deadlineMs: Date.now() + 30_000 }, sleep(1));
        await expect(gate.run(gate.budgetFor('key:c'), sleep(0))).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
        await long;
      } finally {
        await gate.close();
      }
    });
  });

  it('answers /health while every connection of the read pool is busy', async () => {
    const reads = Array.from({ length: api.services.config.READ_POOL_SIZE }, (_, i) =>
      api.services.reads.run(api.services.reads.budgetFor(`key:${i}`), (client) => client.query('SELECT pg_sleep(3)')),
    );
    const started = Date.now();
    expect((await httpRequest(api, { method: 'GET', url: '/health' })).status).toBe(200);
    const healthMs = Date.now() - started;
    await Promise.all(reads);
    // The reads took 3 s; /health did not wait for them.
    expect(Date.now() - started).toBeGreaterThan(healthMs);
    expect(healthMs).toBeLessThan(2_500);
  });
});
