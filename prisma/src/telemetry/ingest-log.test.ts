// The ingest log on a NATS JetStream cluster of three (the test's own) in front of the real
// PostgreSQL: points published by a gateway are stored exactly once by two writers sharing the work,
// also while one NATS node is killed mid-stream; while the database refuses writes, publishing goes
// on untouched and the writers store everything once writes succeed again.
import { connect } from 'nats';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../client.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { PrivateNats } from '../../../scripts/test/private-nats.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { EventIngest } from './events.ts';
import { IngestService } from './ingest.ts';
import { IngestLog, type LogWriter } from './ingest-log.ts';
import { openTelemetryStorage } from './storage.ts';

describe('the ingest log on NATS JetStream', () => {
  let nats: PrivateNats;
  let pool: pg.Pool;
  let owner: pg.Pool;
  let log: IngestLog;
  let organizationId: string;
  let addresses: string[];
  const writers: LogWriter[] = [];
  const base = Date.now() - 3 * 86_400_000;

  const stored = async (from: number, to: number) =>
    Number((await pool.query('SELECT count(*) FROM telemetry WHERE time >= $1 AND time < $2', [new Date(from), new Date(to)])).rows[0].count);
  /** `messages` batches of 500 readings, 100 per address, one second apart from `from`. */
  const publish = async (from: number, messages: number, between?: (i: number) => Promise<void>) => {
    for (let i = 0; i < messages; i += 1) {
      await between?.(i);
      const points = Array.from({ length: 500 }, (_, k) => ({
        address: addresses[k % addresses.length]!,
        time: new Date(from + (i * 100 + Math.floor(k / addresses.length)) * 1000).toISOString(),
        value: k,
      }));
      expect(await log.ingestByAddress(organizationId, 'MQTT', points)).toEqual({ accepted: 500, duplicates: 0, rejected: [] });
    }
  };

  beforeAll(async () => {
    nats = await PrivateNats.start(3);
    const { url } = await createTestDatabase();
    pool = createPool({ url, role: 'threadline_app' });
    owner = createPool({ url });
    organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    addresses = (await pool.query("SELECT source_address FROM signals WHERE source_protocol = 'MQTT' ORDER BY source_address LIMIT 5")).rows.map(
      (r: { source_address: string }) => r.source_address,
    );
    log = await IngestLog.open({ url: nats.url, stream: 'tl-test-ingest', replicas: 3 });
    const storage = await openTelemetryStorage(pool);
    for (let i = 0; i < 2; i += 1)
      writers.push(log.writer({ ingest: IngestService.forPool(pool, storage), events: new EventIngest(pool) }, pino({ level: 'silent' })));
  }, 120_000);
  afterAll(async () => {
    for (const writer of writers) await writer.stop();
    await log?.close();
    await pool?.end();
    await owner?.end();
    await nats?.stop();
  });

  it('stores every point once with two writers sharing the work, through a NATS node killed mid-stream', async () => {
    await publish(base, 40, async (i) => {
      if (i === 20) await nats.kill(0);
    });
    await waitFor('every point to be stored', async () => (await stored(base, base + 86_400_000)) >= 20_000, { timeoutMs: 90_000 });
    expect(await stored(base, base + 86_400_000)).toBe(20_000);
    expect(writers.reduce((sum, w) => sum + w.stats.accepted, 0)).toBe(20_000);
    await nats.restart(0);
  }, 180_000);

  it('holds what arrives while the database refuses writes, and the writers store it all once writes succeed', async () => {
    const from = base + 86_400_000;
    const failedBefore = writers.reduce((sum, w) => sum + w.stats.failedWrites, 0);
    await owner.query('REVOKE INSERT ON telemetry FROM threadline_app');
    try {
      await publish(from, 10);
      await waitFor('a write to fail', () => writers.reduce((sum, w) => sum + w.stats.failedWrites, 0) > failedBefore, { timeoutMs: 60_000 });
    } finally {
      await owner.query('GRANT INSERT ON telemetry TO threadline_app');
    }
    await waitFor('the writers to catch up', async () => (await stored(from, from + 86_400_000)) >= 5_000, { timeoutMs: 90_000 });
    expect(await stored(from, from + 86_400_000)).toBe(5_000);
  }, 180_000);

  it('drops a message that is not a gateway batch, and stores the batches around it', async () => {
    const from = base + 2 * 86_400_000;
    const droppedBefore = writers.reduce((sum, w) => sum + w.stats.dropped, 0);
    const nc = await connect({ servers: nats.url.split(',') });
    try {
      const js = nc.jetstream();
      await publish(from, 1);
      await js.publish(`tl-test-ingest.${organizationId}`, new TextEncoder().encode('not json'));
      await js.publish(`tl-test-ingest.${organizationId}`, new TextEncoder().encode(JSON.stringify({ o: organizationId, k: 'points' })));
      await publish(from + 3_600_000, 1);
    } finally {
      await nc.close();
    }
    await waitFor('both bad messages to be dropped', () => writers.reduce((sum, w) => sum + w.stats.dropped, 0) >= droppedBefore + 2, { timeoutMs: 60_000 });
    await waitFor('the good batches to be stored', async () => (await stored(from, from + 86_400_000)) >= 1_000, { timeoutMs: 60_000 });
    expect(await stored(from, from + 86_400_000)).toBe(1_000);
  }, 120_000);
});
