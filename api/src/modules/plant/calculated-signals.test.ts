// Calculated signals through the API and the one ingest path: a definition is refused with its
// reason (unknown signal, unit mismatch, cycle) and writes nothing; a line's power sum is computed
// as points arrive, corrected when a late point arrives or a reading is corrected, rolled up like
// any signal, read by KPIs, and feeds the calculated signals built on it; its values cannot be
// written directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSqlOf } from '@threadline/db/sql';
import { computeKpiDays, dayStart } from '@threadline/db/value/kpi-computation';
import { plantSignalSources } from '@threadline/db/plant/signal-sources';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const MIN = 60_000;
const CREATE = 'mutation($i: SignalInput!) { createSignal(input: $i) { id unit sourceAddress expression } }';
const INGEST = 'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted duplicates rejected { index reason } } }';

describe('calculated signals', () => {
  let api: ApiHarness;
  let engineer: string;
  const asset: Record<string, string> = {};
  const power: Record<string, string> = {};
  // Two minutes apart from a whole hour, well in the past, inside one UTC day.
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
  const at = (minutes: number) => new Date(t0 + minutes * MIN).toISOString();

  const calculated = async (input: Record<string, unknown>) =>
    api.gql(CREATE, { i: { dataType: 'NUMBER', sourceProtocol: 'CALCULATED', tags: [], ...input } }, engineer);
  const values = async (signalId: string) => {
    const res = await api.gql(
      'query($r: TelemetryRange!) { telemetry(range: $r) { time value quality } }',
      { r: { signalId, from: at(-1), to: at(10), limit: 100 } },
      engineer,
    );
    return (res.data!.telemetry as { time: string; value: number; quality: string }[]).map((p) => [(Date.parse(p.time) - t0) / MIN, p.value, p.quality]);
  };

  beforeAll(async () => {
    api = await startApi();
    engineer = await api.login('engineer@northwind.example');
    const { prisma } = api.services.db;
    for (const code of ['LEJ-L1-VIS01', 'LEJ-L1-CNC01', 'LEJ-L1-CNC02', 'LEJ-L2-CNC01']) {
      asset[code] = (await prisma.asset.findFirstOrThrow({ where: { code } })).id;
      const signal = await prisma.signal.findFirst({ where: { assetId: asset[code], name: 'power' } });
      if (signal) power[code] = signal.id;
    }
  });
  afterAll(async () => api?.close());

  it('refuses an unknown signal, a unit mismatch and a cycle with their reasons, and writes nothing', async () => {
    const before = await api.services.db.prisma.signal.count();
    const unknown = await calculated({ assetId: asset['LEJ-L1-VIS01'], name: 'line_power', expression: 'sum(line.pwr)' });
    expect(unknown.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0]!.message).toBe('expression: unknown signal line.pwr: no asset on this line has a signal pwr');
    const mismatch = await calculated({ assetId: asset['LEJ-L1-CNC01'], name: 'bad', expression: 'power + spindle_load' });
    expect(mismatch.errors![0]!.message).toBe("expression: unit mismatch: '+' needs one unit, but has kW and %");
    const declared = await calculated({ assetId: asset['LEJ-L1-CNC01'], name: 'bad', expression: 'power * 2', unit: 'kWh' });
    expect(declared.errors![0]!.message).toBe('expression: its unit is kW, not kWh; change the unit or the expression');
    const parse = await calculated({ assetId: asset['LEJ-L1-CNC01'], name: 'bad', expression: 'power *' });
    expect(parse.errors![0]!.message).toBe('expression: the expression ends too soon (at character 8)');
    const noAddress = await api.gql(
      CREATE,
      { i: { assetId: asset['LEJ-L1-CNC01'], name: 'x', dataType: 'NUMBER', sourceProtocol: 'MQTT', tags: [] } },
      engineer,
    );
    expect(noAddress.errors![0]!.message).toBe('sourceAddress is required for MQTT signals.');
    expect(await api.services.db.prisma.signal.count()).toBe(before);
  });

  it('computes a line power sum on arrival, corrects it after late data, and feeds what is built on it', async () => {
    const line = await calculated({ assetId: asset['LEJ-L1-VIS01'], name: 'line_power', expression: 'sum(line.power)' });
    expect(line.errors).toBeUndefined();
    expect(line.data!.createSignal).toMatchObject({ unit: 'kW', expression: 'sum(line.power)' });
    const lineId = line.data!.createSignal.id as string;
    const doubled = await calculated({ assetId: asset['LEJ-L1-VIS01'], name: 'line_power_x2', expression: 'line_power * 2' });
    const doubledId = doubled.data!.createSignal.id as string;
    // Now line_power may not come to depend on line_power_x2.
    const cycle = await api.gql(
      'mutation($id: ID!, $i: SignalUpdate!) { updateSignal(id: $id, input: $i) { id } }',
      { id: lineId, i: { expression: 'sum(line.power) + line_power_x2' } },
      engineer,
    );
    expect(cycle.errors![0]!.message).toBe('expression: it would depend on itself through line_power → line_power_x2 → line_power');
    // An input it reads by name cannot be deleted from under it.
    const chiller = await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'power', asset: { code: 'LEJ-L1-CHL01' } } });
    const deleted = await api.gql('mutation($id: ID!) { deleteSignal(id: $id) { __typename } }', { id: chiller.id }, engineer);
    expect(deleted.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(deleted.errors![0]!.message).toBe(`Signal ${chiller.id} is read by the calculated signals line_power; change their expressions first.`);

    const [a, b, other] = [power['LEJ-L1-CNC01']!, power['LEJ-L1-CNC02']!, power['LEJ-L2-CNC01']!];
    const ingested = await api.gql(
      INGEST,
      {
        p: [
          { signalId: a, time: at(0), value: 10 },
          { signalId: b, time: at(0), value: 20 },
          { signalId: a, time: at(1), value: 11 },
          { signalId: a, time: at(2), value: 12 },
          { signalId: b, time: at(2), value: 22 },
          // Another line's machine is not in this line's sum.
          { signalId: other, time: at(1), value: 1000 },
          { signalId: lineId, time: at(3), value: 1 },
        ],
      },
      engineer,
    );
    expect(ingested.data!.ingestTelemetry).toEqual({
      accepted: 6,
      duplicates: 0,
      rejected: [{ index: 6, reason: 'signal line_power is calculated from its expression; write its inputs instead' }],
    });
    // B's last point (20 at minute 0) stands for it at minute 1.
    expect(await values(lineId)).toEqual([
      [0, 30, 'GOOD'],
      [1, 31, 'GOOD'],
      [2, 34, 'GOOD'],
    ]);

    // B's reading of minute 1 arrives late: minute 1 is recomputed, and so is what is built on it.
    await api.gql(INGEST, { p: [{ signalId: b, time: at(1), value: 30 }] }, engineer);
    expect(await values(lineId)).toEqual([
      [0, 30, 'GOOD'],
      [1, 41, 'GOOD'],
      [2, 34, 'GOOD'],
    ]);
    expect((await values(doubledId)).map(([, v]) => v)).toEqual([60, 82, 68]);

    // B's minute-1 reading is corrected (audited with its reason): the sum follows.
    const corrected = await api.gql(
      'mutation($p: [TelemetryPointInput!]!, $r: String!) { correctTelemetry(points: $p, reason: $r) { accepted rejected { index reason } } }',
      {
        p: [
          { signalId: b, time: at(1), value: 35 },
          { signalId: 'meter-7', time: at(1), value: 1 },
        ],
        r: 'Power meter recalibrated',
      },
      engineer,
    );
    // A bad point is refused with its reason; the good one is still taken.
    expect(corrected.data!.correctTelemetry).toEqual({ accepted: 1, rejected: [{ index: 1, reason: 'signalId must be a UUID' }] });
    expect((await values(lineId)).map(([, v]) => v)).toEqual([30, 46, 34]);
    expect((await values(doubledId)).map(([, v]) => v)).toEqual([60, 92, 68]);
    const audit = await api.services.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'signal.telemetry_corrected', subjectId: b } });
    expect(audit.payload).toMatchObject({ points: 1, from: at(1), reason: 'Power meter recalibrated' });

    // Rolled up like any signal, and read by the KPIs by name: 30 + 46 + 34 kW over three minutes.
    await api.services.telemetry.refreshRollups();
    const buckets = await api.gql(
      'query($i: SeriesInput!) { telemetrySeries(input: $i) { bucket average } }',
      { i: { signalId: lineId, from: at(0), to: at(3), width: 'ONE_MINUTE' } },
      engineer,
    );
    expect((buckets.data!.telemetrySeries as { average: number }[]).map((r) => r.average)).toEqual([30, 46, 34]);
    const day = dayStart(new Date(t0));
    const [cost] = await computeKpiDays(
      rawSqlOf(api.services.db.pool),
      (await api.services.db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id,
      { kind: 'ENERGY_COST', scope: { assetIds: [asset['LEJ-L1-VIS01']!], lineIds: [], siteIds: [] }, energySignal: 'line_power', pricePerKwh: 1 },
      day,
      new Date(day.getTime() + 86_400_000),
      new Date(),
    );
    expect(cost!.note).toMatch(/^1\.83 kWh in /);

    // No plant protocol feeds it: the simulator does not drive it and plant files leave it out.
    const organizationId = (await api.services.db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id;
    expect((await plantSignalSources(api.services.db.pool, organizationId)).some((s) => s.property === 'line_power')).toBe(false);
    const exported = await api.app.inject({ method: 'GET', url: '/export/plant.csv', headers: { authorization: `Bearer ${engineer}` } });
    expect(exported.statusCode).toBe(200);
    expect(exported.body).toContain('LEJ-L1-VIS01');
    expect(exported.body).not.toContain('line_power');
  });

  it('recalculates a past range after its expression changes, audited', async () => {
    const signal = await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'line_power_x2' } });
    const updated = await api.gql(
      'mutation($id: ID!, $i: SignalUpdate!) { updateSignal(id: $id, input: $i) { expression } }',
      { id: signal.id, i: { expression: 'line_power * 3' } },
      engineer,
    );
    expect(updated.errors).toBeUndefined();
    const res = await api.gql(
      'mutation($i: RecalculateSignalInput!) { recalculateSignal(input: $i) }',
      { i: { signalId: signal.id, from: at(0), to: at(5) } },
      engineer,
    );
    expect(res.data!.recalculateSignal).toBe(3);
    expect((await values(signal.id)).map(([, v]) => v)).toEqual([90, 138, 102]);
    const audit = await api.services.db.prisma.auditEvent.findFirstOrThrow({ where: { type: 'signal.recalculated', subjectId: signal.id } });
    expect(audit.payload).toMatchObject({ changed: 3 });
    const notCalculated = await api.gql(
      'mutation($i: RecalculateSignalInput!) { recalculateSignal(input: $i) }',
      { i: { signalId: power['LEJ-L1-CNC01'], from: at(0), to: at(5) } },
      engineer,
    );
    expect(notCalculated.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
