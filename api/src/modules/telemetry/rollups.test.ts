// Rollups and reads through the API: minute, hour and day buckets agree with the raw points, a late
// point corrects every level, the hierarchy rolls up from sums and counts, and Part 13 aggregates
// and latest values come back per signal. Every average, min and max counts GOOD points unless the
// read asks for every quality (issue 17, item 10): series, hierarchy and Part 13 keep one rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const INGEST = 'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted rejected { reason } } }';
const SERIES = 'query($i: SeriesInput!) { telemetrySeries(input: $i) { bucket points average min max first last percentGoodPoints } }';
const ROLLUP = 'query($i: HierarchyInput!) { telemetryRollup(input: $i) { groupId bucket average total min max points signals } }';

describe('telemetry rollups and reads', () => {
  let api: ApiHarness;
  let token: string;
  let power: { a: string; b: string; lineId: string };
  // Whole hours well inside today's partitions.
  const hour = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;
  const iso = (ms: number) => new Date(hour + ms).toISOString();
  const ingest = async (points: { signalId: string; ms: number; value: number | null; quality?: string }[]) => {
    const res = await api.gql(
      INGEST,
      { p: points.map((p) => ({ signalId: p.signalId, time: iso(p.ms), value: p.value, ...(p.quality ? { quality: p.quality } : {}) })) },
      token,
    );
    expect(res.data!.ingestTelemetry.rejected).toEqual([]);
    await api.services.telemetry.refreshRollups();
  };

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('engineer@northwind.example');
    const signals = await api.services.db.prisma.signal.findMany({
      where: { name: 'power', asset: { code: { in: ['LEJ-L1-CMP01', 'LEJ-L1-CHL01'] } } },
      include: { asset: true },
      orderBy: { asset: { code: 'asc' } },
    });
    power = { a: signals[1]!.id, b: signals[0]!.id, lineId: signals[0]!.asset.lineId };
  });
  afterAll(async () => api?.close());

  it('keeps minute, hour and day buckets equal to statistics of the raw points', async () => {
    await ingest([
      { signalId: power.a, ms: 10_000, value: 10 },
      { signalId: power.a, ms: 20_000, value: 20 },
      { signalId: power.a, ms: 50_000, value: 60, quality: 'UNCERTAIN' },
      { signalId: power.a, ms: 70_000, value: 30 },
    ]);
    const minutes = await api.gql(SERIES, { i: { signalId: power.a, from: iso(0), to: iso(120_000), width: 'ONE_MINUTE' } }, token);
    // The UNCERTAIN 60 counts as a point, not in the average, min or max.
    expect(minutes.data!.telemetrySeries).toEqual([
      { bucket: iso(0), points: 3, average: 15, min: 10, max: 20, first: 10, last: 60, percentGoodPoints: (100 * 2) / 3 },
      { bucket: iso(60_000), points: 1, average: 30, min: 30, max: 30, first: 30, last: 30, percentGoodPoints: 100 },
    ]);
    const every = await api.gql(SERIES, { i: { signalId: power.a, from: iso(0), to: iso(60_000), width: 'ONE_MINUTE', includeAllQualities: true } }, token);
    expect(every.data!.telemetrySeries[0]).toMatchObject({ average: 30, min: 10, max: 60 });
    const hours = await api.gql(SERIES, { i: { signalId: power.a, from: iso(0), to: iso(3_600_000), width: 'ONE_HOUR' } }, token);
    expect(hours.data!.telemetrySeries).toEqual([{ bucket: iso(0), points: 4, average: 20, min: 10, max: 30, first: 10, last: 30, percentGoodPoints: 75 }]);
    const everyHour = await api.gql(
      SERIES,
      { i: { signalId: power.a, from: iso(0), to: iso(3_600_000), width: 'ONE_HOUR', includeAllQualities: true } },
      token,
    );
    expect(everyHour.data!.telemetrySeries[0]).toMatchObject({ average: 30, min: 10, max: 60 });
  });

  it('corrects every level when a late point arrives for an earlier minute', async () => {
    await ingest([{ signalId: power.a, ms: 5_000, value: 2 }]);
    const minute = await api.gql(SERIES, { i: { signalId: power.a, from: iso(0), to: iso(60_000), width: 'ONE_MINUTE' } }, token);
    expect(minute.data!.telemetrySeries[0]).toMatchObject({ points: 4, min: 2, first: 2 });
    expect(minute.data!.telemetrySeries[0].average).toBeCloseTo(32 / 3, 12);
    const dayStart = new Date(Math.floor(hour / 86_400_000) * 86_400_000).toISOString();
    const day = await api.gql(
      SERIES,
      { i: { signalId: power.a, from: dayStart, to: new Date(Date.parse(dayStart) + 86_400_000).toISOString(), width: 'ONE_DAY' } },
      token,
    );
    expect(day.data!.telemetrySeries).toEqual([{ bucket: dayStart, points: 5, average: 15.5, min: 2, max: 30, first: 2, last: 30, percentGoodPoints: 80 }]);
  });

  it('rolls a line up from sums and counts, never by averaging averages', async () => {
    // Signal b: two points averaging 100 in the same hour; signal a: five points averaging 24.4.
    await ingest([
      { signalId: power.b, ms: 1_000, value: 90 },
      { signalId: power.b, ms: 2_000, value: 110 },
    ]);
    const line = { level: 'LINE', signalName: 'power', from: iso(0), to: iso(3_600_000), width: 'ONE_HOUR' };
    // Good values: a 2, 10, 20, 30 (62 over 4), b 90, 110 (200 over 2): average 262 / 6, total 15.5 + 100.
    const [good] = (await api.gql(ROLLUP, { i: line }, token)).data!.telemetryRollup;
    expect(good).toMatchObject({ groupId: power.lineId, bucket: iso(0), total: 115.5, min: 2, max: 110, points: 7, signals: 2 });
    expect(good.average).toBeCloseTo(262 / 6, 12);
    // Every quality: average = (122 + 200) / 7 = 46; total = 24.4 + 100 = 124.4
    const every = await api.gql(ROLLUP, { i: { ...line, includeAllQualities: true } }, token);
    expect(every.data!.telemetryRollup).toEqual([
      { groupId: power.lineId, bucket: iso(0), average: 46, total: 124.4, min: 2, max: 110, points: 7, signals: 2 },
    ]);
  });

  it('computes Part 13 aggregates and latest values', async () => {
    const res = await api.gql(
      'query($i: Part13Input!) { telemetryAggregates(input: $i) { bucket timeWeightedAverage percentGood transitionCount } }',
      {
        i: { signalId: power.a, from: iso(0), to: iso(60_000), bucketSeconds: 60 },
      },
      token,
    );
    // Stepped: 2 from 5 s, 10 from 10 s, 20 from 20 s, 60 (uncertain) from 50 s; covered 5-60 s, good 5-50 s.
    // TWA = (2·5 + 10·10 + 20·30) / 45 = 710 / 45; percent good = 45 / 55.
    const [bucket] = res.data!.telemetryAggregates;
    expect(bucket.timeWeightedAverage).toBeCloseTo(710 / 45, 9);
    expect(bucket.percentGood).toBeCloseTo((100 * 45) / 55, 9);
    expect(bucket.transitionCount).toBe(3);
    const every = await api.gql(
      'query($i: Part13Input!) { telemetryAggregates(input: $i) { timeWeightedAverage percentGood } }',
      { i: { signalId: power.a, from: iso(0), to: iso(60_000), bucketSeconds: 60, includeAllQualities: true } },
      token,
    );
    // The uncertain 60 from 50 s counts too: (710 + 60·10) / 55; percent good is the same.
    expect(every.data!.telemetryAggregates[0].timeWeightedAverage).toBeCloseTo(1310 / 55, 9);
    expect(every.data!.telemetryAggregates[0].percentGood).toBeCloseTo((100 * 45) / 55, 9);
    const asset = await api.services.db.prisma.signal.findUniqueOrThrow({ where: { id: power.a } });
    const latest = await api.gql('query($a: ID!) { latestValues(assetId: $a) { signalId time value quality } }', { a: asset.assetId }, token);
    expect(latest.data!.latestValues).toEqual([{ signalId: power.a, time: iso(70_000), value: 30, quality: 'GOOD' }]);
  });

  it('reads an asset, its signals and their rollups in one request, as telemetrySeries does', async () => {
    const { assetId } = await api.services.db.prisma.signal.findUniqueOrThrow({ where: { id: power.a } });
    const res = await api.gql(
      `query($a: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { asset(id: $a) { signals { id series(width: ONE_MINUTE, from: $from, to: $to) { bucket points average } } } }`,
      { a: assetId, from: iso(0), to: iso(120_000) },
      token,
    );
    expect(res.errors).toBeUndefined();
    const signal = res.data!.asset.signals.find((s: { id: string }) => s.id === power.a);
    // The minute buckets of the earlier tests: 2, 10, 20 and an uncertain 60 in the first minute, 30 in the second.
    expect(signal.series.map((b: { bucket: string; points: number }) => [b.bucket, b.points])).toEqual([
      [iso(0), 4],
      [iso(60_000), 1],
    ]);
    expect(signal.series[0].average).toBeCloseTo(32 / 3, 12);
    expect(signal.series[1].average).toBe(30);
    const backwards = await api.gql(
      `query($a: ID!) { asset(id: $a) { signals { series(width: ONE_HOUR, from: "${iso(60_000)}", to: "${iso(0)}") { bucket } } } }`,
      { a: assetId },
      token,
    );
    expect(backwards.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('refuses ranges that are backwards or too wide', async () => {
    const res = await api.gql(SERIES, { i: { signalId: power.a, from: iso(60_000), to: iso(0), width: 'ONE_MINUTE' } }, token);
    expect(res.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const many = await api.gql(
      'query($i: Part13Input!) { telemetryAggregates(input: $i) { bucket } }',
      { i: { signalId: power.a, from: iso(0), to: iso(86_400_000), bucketSeconds: 1 } },
      token,
    );
    expect(many.errors![0]!.message).toMatch(/At most 10000 buckets/);
  });
});
