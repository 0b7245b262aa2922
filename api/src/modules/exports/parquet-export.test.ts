// Data out to the lake (issue 24, item 4): GET /export/parquet/:dataset streams Parquet that an
// independent reader (DuckDB) reads back equal to what the API reports: raw points as the telemetry
// query lists them, rollups as telemetrySeries computes them, insights as the insights query; a
// scope narrows it; an export larger than a page comes in several row groups; a range with no data,
// a bad range, an unknown dataset and a signal on insights are refused with their reasons; another
// organisation's rows never appear.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSqlOf } from '@threadline/db/sql';
import { openParquetExport } from '@threadline/db/exports/parquet-export';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { raiseInsightAsInference } from '../../../../scripts/test/insight-fixture.ts';

const INGEST = 'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted rejected { reason } } }';
const SERIES = 'query($i: SeriesInput!) { telemetrySeries(input: $i) { bucket points average min max first last percentGoodPoints } }';
const POINTS = 'query($r: TelemetryRange!) { telemetry(range: $r) { time value quality } }';

describe('Parquet export', () => {
  let api: ApiHarness;
  let token: string;
  let duck: DuckDBConnection;
  const dir = mkdtempSync(join(tmpdir(), 'tl-parquet-'));
  const hour = Math.floor((Date.now() - 5 * 3_600_000) / 3_600_000) * 3_600_000;
  const iso = (ms: number) => new Date(hour + ms).toISOString();
  let vibration: string;

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('engineer@northwind.example');
    const signal = await api.services.db.prisma.signal.findFirstOrThrow({ where: { name: 'spindle_vibration', asset: { code: 'LEJ-L1-CNC01' } } });
    vibration = signal.id;
    const points = Array.from({ length: 180 }, (_, i) => ({
      signalId: vibration,
      time: iso(i * 20_000),
      value: Math.round((2 + Math.sin(i / 7)) * 1000) / 1000,
      ...(i % 17 === 0 ? { quality: 'UNCERTAIN' } : {}),
    }));
    const res = await api.gql(INGEST, { p: points }, token);
    expect(res.data!.ingestTelemetry.rejected).toEqual([]);
    await api.services.telemetry.refreshRollups();
    duck = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(async () => {
    duck?.closeSync();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const download = async (path: string, as = token) => {
    const response = await api.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${as}` } });
    return response;
  };
  const readBack = async (bytes: Buffer, sql = 'SELECT * FROM t') => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.parquet`);
    writeFileSync(file, bytes);
    const result = await duck.runAndReadAll(sql.replace(/FROM t\b/, `FROM read_parquet('${file}')`));
    return result.getRowObjectsJson() as Record<string, unknown>[];
  };

  it('exports raw telemetry that DuckDB reads back equal to the telemetry query', async () => {
    const response = await download(`/export/parquet/telemetry?from=${iso(0)}&to=${iso(3_600_000)}&asset=LEJ-L1-CNC01&signal=spindle_vibration`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="telemetry-.*\.parquet"/);
    const rows = await readBack(response.rawPayload, 'SELECT time, site, line, asset, signal, unit, value, quality FROM t ORDER BY time');
    const api_ = await api.gql(POINTS, { r: { signalId: vibration, from: iso(0), to: iso(3_600_000), limit: 1000 } }, token);
    const expected = api_.data!.telemetry as { time: string; value: number; quality: string }[];
    expect(rows).toHaveLength(180);
    expect(rows.map((r) => ({ time: new Date(`${String(r.time)}Z`).toISOString(), value: r.value, quality: r.quality }))).toEqual(expected);
    expect(rows[0]).toMatchObject({ site: 'LEJ', line: 'LEJ-L1', asset: 'LEJ-L1-CNC01', signal: 'spindle_vibration', unit: 'mm/s' });
  });

  it('exports rollups equal to telemetrySeries, minute by minute', async () => {
    const response = await download(`/export/parquet/rollups?from=${iso(0)}&to=${iso(3_600_000)}&asset=LEJ-L1-CNC01&signal=spindle_vibration&resolution=1m`);
    expect(response.statusCode).toBe(200);
    const rows = await readBack(response.rawPayload, 'SELECT bucket, points, average, min, max, first, last, percent_good FROM t ORDER BY bucket');
    const series = (await api.gql(SERIES, { i: { signalId: vibration, from: iso(0), to: iso(3_600_000), width: 'ONE_MINUTE' } }, token)).data!
      .telemetrySeries as Record<string, number | string>[];
    expect(rows).toHaveLength(60);
    rows.forEach((row, i) => {
      const bucket = series[i]!;
      expect(new Date(`${String(row.bucket)}Z`).toISOString()).toBe(bucket.bucket);
      expect(row.points).toBe(bucket.points);
      for (const [column, field] of [
        ['average', 'average'],
        ['min', 'min'],
        ['max', 'max'],
        ['first', 'first'],
        ['last', 'last'],
        ['percent_good', 'percentGoodPoints'],
      ] as const)
        expect(row[column] as number).toBeCloseTo(bucket[field] as number, 9);
    });
  });

  it('streams an export larger than a page as several row groups, none lost or doubled', async () => {
    const organizationId = (await api.services.db.prisma.organization.findFirstOrThrow({ where: { slug: 'northwind' } })).id;
    const stream = await openParquetExport(
      rawSqlOf(api.services.db.pool),
      {
        organizationId,
        dataset: 'telemetry',
        from: new Date(iso(0)),
        to: new Date(iso(3_600_000)),
        scope: { site: null, line: null, asset: 'LEJ-L1-CNC01', signal: 'spindle_vibration' },
        resolution: '1h',
      },
      7,
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream!) chunks.push(chunk as Buffer);
    const file = join(dir, 'paged.parquet');
    writeFileSync(file, Buffer.concat(chunks));
    const groups = await duck.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS groups FROM parquet_metadata('${file}')`);
    expect(Number(groups.getRowObjectsJson()[0]!.groups)).toBe(Math.ceil(180 / 7));
    const counted = await duck.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT time) AS distinct_times FROM read_parquet('${file}')`);
    expect(counted.getRowObjectsJson()[0]).toEqual({ n: '180', distinct_times: '180' });
  });

  it('exports insights in scope, and none of another organisation', async () => {
    const asset = await api.services.db.prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-CNC02' } });
    const insightId = await raiseInsightAsInference(api.services.db.pool, asset, 'LEJ-L1-CNC02', 0.9);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await download(`/export/parquet/insights?from=${from}&to=${to}&line=LEJ-L1`);
    const rows = await readBack(response.rawPayload, 'SELECT id, asset, severity, title FROM t');
    expect(rows).toContainEqual({ id: insightId, asset: 'LEJ-L1-CNC02', severity: 'CRITICAL', title: 'Spindle failure risk 0.9 on LEJ-L1-CNC02' });
    const other = await createOtherOrganization(api, 'parquet-elsewhere');
    const foreign = await download(`/export/parquet/insights?from=${from}&to=${to}`, other.token);
    expect(foreign.statusCode).toBe(404);
  });

  it('refuses a range with no data, a bad range, an unknown dataset and a signal on insights, with their reasons', async () => {
    const empty = await download(`/export/parquet/telemetry?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`);
    expect(empty.statusCode).toBe(404);
    expect(empty.json().error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No telemetry in \[2020-01-01/) });
    const cases = {
      backwards: `/export/parquet/telemetry?from=${iso(3_600_000)}&to=${iso(0)}`,
      malformed: `/export/parquet/telemetry?from=yesterday&to=${iso(0)}`,
      missing: `/export/parquet/rollups?to=${iso(0)}`,
      tooLong: `/export/parquet/telemetry?from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      dataset: `/export/parquet/passwords?from=${iso(0)}&to=${iso(3_600_000)}`,
      signalOnInsights: `/export/parquet/insights?from=${iso(0)}&to=${iso(3_600_000)}&signal=power`,
      resolution: `/export/parquet/rollups?from=${iso(0)}&to=${iso(3_600_000)}&resolution=1s`,
    };
    for (const [name, path] of Object.entries(cases)) {
      const response = await download(path);
      expect([name, response.statusCode, response.json().error.code]).toEqual([name, 400, 'BAD_USER_INPUT']);
    }
    const anonymous = await api.app.inject({ method: 'GET', url: `/export/parquet/telemetry?from=${iso(0)}&to=${iso(3_600_000)}` });
    expect(anonymous.statusCode).toBe(401);
  });
});
