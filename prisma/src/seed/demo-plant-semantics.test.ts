// The demo's calendars and calculated signals: seeded once, and the line power sums its line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, createPool, type Db } from '../client.ts';
import { IngestService } from '../telemetry/ingest.ts';
import { openTelemetryStorage } from '../telemetry/storage.ts';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { seedPlantSemantics } from './demo-plant-semantics.ts';

describe('the demo plant semantics', () => {
  let db: Db;
  let url: string;
  let org: string;
  beforeAll(async () => {
    url = (await createTestDatabase()).url;
    db = createDb({ url, role: '' });
    org = (await db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id;
  });
  afterAll(async () => db?.close());

  it('seeds the shift calendars and a line power per line once', async () => {
    expect(await seedPlantSemantics(db.prisma, org)).toEqual({ shifts: 5, calculated: 4 });
    expect(await seedPlantSemantics(db.prisma, org)).toEqual({ shifts: 0, calculated: 0 });
    expect(await db.prisma.siteHoliday.count()).toBe(8);
  });

  it("computes each line's power from its machines' readings", async () => {
    const pool = createPool({ url, role: 'threadline_app' });
    try {
      const powers = await db.prisma.signal.findMany({ where: { name: 'power', asset: { line: { code: 'BRQ-L2' } } } });
      const time = new Date(Date.now() - 60_000).toISOString();
      await IngestService.forPool(pool, await openTelemetryStorage(pool)).ingest(
        org,
        powers.map((s, i) => ({ signalId: s.id, time, value: 10 + i })),
      );
      const line = await db.prisma.signal.findFirstOrThrow({ where: { name: 'line_power', asset: { code: 'BRQ-L2-VIS01' } } });
      const { rows } = await pool.query('SELECT value FROM telemetry WHERE signal_id = $1', [line.id]);
      expect(rows.map((r) => r.value)).toEqual([powers.reduce((sum, _s, i) => sum + 10 + i, 0)]);
    } finally {
      await pool.end();
    }
  });
});
