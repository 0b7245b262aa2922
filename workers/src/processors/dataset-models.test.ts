// Datasets end to end against real PostgreSQL: a table imported, a training run over it trained,
// signed and registered with a table spec and a threshold priced by the use case's KPI, and
// backtests of that version over another table (figures and value at the KPI's prices) and over a
// table without the version's columns (refused by line and column, recorded as FAILED).
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { requestBacktest } from '@threadline/db/models/backtests';
import { createDeployment } from '@threadline/db/models/deployments';
import { importDataset } from '@threadline/db/models/datasets';
import { requestTrainingRun } from '@threadline/db/models/training-runs';
import { versionDecision } from '@threadline/db/models/version-decision';
import { rawSqlOf } from '@threadline/db/sql';
import { createTestDatabase } from '../../../scripts/test/database.ts';
import { addDetectorKpi } from '../../../scripts/test/detector-kpi.ts';
import { failureTableCsv } from '../ml/failure-table.ts';
import { runBacktest } from './model-backtest.ts';
import { runModelTraining } from './model-training.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const trustedKeys = trustedKeySet(signingKey, undefined);
const system = { kind: 'SYSTEM' as const, id: null, label: 'test' };

describe('models trained and backtested on datasets', () => {
  let pool: pg.Pool;
  let org: string;
  let modelId: string;
  let versionId: string;
  const datasets = new Map<string, string>();
  const imported = (name: string, csv: string) =>
    importDataset(rawSqlOf(pool), { organizationId: org, name, csv, label: 'failure', drop: ['cycle_id'], time: 'timestamp' }, system);
  const backtest = async (datasetId: string) => {
    const id = await requestBacktest(rawSqlOf(pool), { organizationId: org, versionId, datasetId, from: null, to: null }, system);
    await runBacktest({ pool, trustedKeys }, { organizationId: org, backtestId: id }, true).catch(() => undefined);
    return (await pool.query('SELECT status, result, error FROM backtests WHERE id = $1', [id])).rows[0];
  };

  beforeAll(async () => {
    pool = createPool({ url: (await createTestDatabase()).url, role: 'threadline_app', poolSize: 4 });
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id;
    const useCase = (await pool.query("SELECT id FROM use_cases WHERE name LIKE 'Predictive maintenance%'")).rows[0].id;
    modelId = (
      await pool.query("INSERT INTO models (organization_id, name, task, use_case_id) VALUES ($1, 'Cycle failure risk', 'FAILURE_RISK', $2) RETURNING id", [
        org,
        useCase,
      ])
    ).rows[0].id;
    await addDetectorKpi(pool, org, useCase, modelId, 'Cycle detector value');
    datasets.set('history', (await imported('cycles 2026', failureTableCsv(3_000, 21))).id);
    datasets.set('later', (await imported('cycles 2027', failureTableCsv(2_000, 22))).id);
  }, 120_000);
  afterAll(async () => pool?.end());

  it('trains on a dataset: a signed version with the table spec, its threshold priced by the KPI', async () => {
    const runId = await requestTrainingRun(
      rawSqlOf(pool),
      {
        organizationId: org,
        modelId,
        trigger: 'MANUAL',
        baseVersionId: null,
        datasetId: datasets.get('history')!,
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-11T10:00:00Z'),
        params: { family: 'GBT', searchDerived: true },
      },
      system,
    );
    const result = await runModelTraining({ pool, signingKey, trustedKeys }, { organizationId: org, trainingRunId: runId }, true);
    versionId = result.versionId!;
    const {
      rows: [version],
    } = await pool.query('SELECT family, feature_spec, metrics, signature, training_run_id FROM model_versions WHERE id = $1', [versionId]);
    expect(version).toMatchObject({ family: 'GBT', training_run_id: runId, signature: expect.stringMatching(/^[A-Za-z0-9+/=]{40,}$/) });
    expect(version.feature_spec).toMatchObject({ kind: 'TABLE', datasetId: datasets.get('history'), label: 'failure', time: 'timestamp', drop: ['cycle_id'] });
    expect(version.feature_spec.encoding.categorical.map((c: { name: string }) => c.name)).toEqual(['grade', 'line', 'shift']);
    expect(version.metrics.auc).toBeGreaterThan(0.85);
    expect(versionDecision(version.metrics)).toMatchObject({ rule: 'COST', missedFailure: 10_500, falseAlarm: 250, source: 'KPI Cycle detector value' });
    const run = (await pool.query('SELECT status, dataset_id FROM training_runs WHERE id = $1', [runId])).rows[0];
    expect(run).toEqual({ status: 'SUCCEEDED', dataset_id: datasets.get('history') });
  }, 120_000);

  it('refuses to deploy the table version to telemetry inference', async () => {
    const cloud = (await pool.query("SELECT id FROM edge_targets WHERE name = 'cloud-inference'")).rows[0].id;
    await expect(
      createDeployment(
        rawSqlOf(pool),
        { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud, assetId: null, mode: 'CHAMPION', trafficShare: 1 },
        system,
      ),
    ).rejects.toThrow(/trained on a table: it scores tables/);
  });

  it('backtests the version over a later table: its figures, and what it earned at the KPI prices', async () => {
    const { status, result } = await backtest(datasets.get('later')!);
    expect(status).toBe('SUCCEEDED');
    expect(result).toMatchObject({ kind: 'DATASET', dataset: 'cycles 2027', rows: 2_000, leadTimeMinutes: null });
    expect(result.auc).toBeGreaterThan(0.85);
    expect(result.averagePrecision).toBeGreaterThan(0.3);
    expect(result.caught + result.missed).toBe(result.positives);
    expect(result.caught).toBeGreaterThan(0);
    expect(result.value).toEqual({
      kpi: 'Cycle detector value',
      saved: result.caught * 6_500,
      falseAlarmCost: result.falseAlarms * 250,
      missedCost: result.missed * 4_000,
      net: result.caught * 6_500 - result.falseAlarms * 250 - result.missed * 4_000,
    });
  }, 120_000);

  it('fails a backtest over a table without the version’s columns, naming them', async () => {
    const lacking = failureTableCsv(300, 23).replace('spindle_rpm', 'rpm');
    const { status, error } = await backtest((await imported('renamed columns', lacking)).id);
    expect(status).toBe('FAILED');
    expect(error).toMatch(/column spindle_rpm: is not in the header/);
  }, 120_000);
});
