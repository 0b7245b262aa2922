// The OPC UA adapter against a real node-opcua server in this process (the simulator's): data
// changes of the configured node ids are stored with their source timestamps, a value resent for
// the same timestamp is not duplicated, and the server's status becomes the point's quality.
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@threadline/db/client';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { loadPlantSignals } from '../simulator/plant-signals.ts';
import { SimulatorOpcUaServer } from '../simulator/opcua-server.ts';
import { OpcUaAdapter } from './opcua-adapter.ts';
import { qualityOf } from './opcua-subscription.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';

describe('OPC UA adapter', () => {
  let pool: pg.Pool;
  let server: SimulatorOpcUaServer;
  let adapter: OpcUaAdapter;
  const node = 'ns=1;s=LEJ-L1-CNC01.spindle_vibration';
  const base = Date.now() - 120_000;

  const stored = async () =>
    (
      await pool.query('SELECT t.time, t.value, t.quality FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.source_address = $1 ORDER BY t.time', [
        node,
      ])
    ).rows.map((r) => [r.time.getTime() - base, r.value, r.quality]);

  const publishAndWait = async (value: number, ms: number) => {
    const before = adapter.stats.changes;
    server.publish(node, value, new Date(base + ms));
    await waitFor('the adapter to receive the data change', () => adapter.stats.changes !== before, { timeoutMs: 60_000 });
    await adapter.flush();
  };

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app' });
    const organizationId = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    server = new SimulatorOpcUaServer(20_000 + Math.floor(Math.random() * 20_000));
    await server.start(await loadPlantSignals(pool, organizationId));
    const ingest = IngestService.forPool(pool, await openTelemetryStorage(pool));
    adapter = new OpcUaAdapter({
      endpointUrl: server.endpointUrl,
      organizationId,
      pool,
      ingest,
      log: pino({ level: 'silent' }),
      samplingIntervalMs: 50,
      flushMs: 20,
    });
    await adapter.start();
  }, 120_000);
  afterAll(async () => {
    await adapter?.stop();
    await server?.stop();
    await pool?.end();
  });

  it('subscribes to every OPC UA signal of the plant', async () => {
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM signals WHERE source_protocol = 'OPC_UA'");
    expect(adapter.stats.monitored).toBe(rows[0].n);
  });

  it('stores data changes with their source timestamps, once', async () => {
    await publishAndWait(2.5, 1_000);
    await publishAndWait(2.75, 2_000);
    await publishAndWait(3.0, 2_000); // same source timestamp: a resend, not a new point
    const points = await stored();
    expect(points.filter(([t]) => t >= 1_000)).toEqual([
      [1_000, 2.5, 0],
      [2_000, 2.75, 0],
    ]);
    expect(adapter.stats.duplicates).toBeGreaterThanOrEqual(1);
  });

  it('flags values outside the normal range', async () => {
    await publishAndWait(9.9, 3_000);
    expect((await stored()).find(([t]) => t === 3_000)).toEqual([3_000, 9.9, 1]);
  });

  it('maps OPC UA status severities to quality', () => {
    expect([qualityOf(0), qualityOf(0x40000000), qualityOf(0x80000000)]).toEqual(['GOOD', 'UNCERTAIN', 'BAD']);
  });
});
