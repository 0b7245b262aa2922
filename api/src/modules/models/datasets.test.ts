// Datasets and backtests through the API: a bad table is refused with every problem by line and
// column and nothing is kept; a good one is stored with its columns typed; a taken name conflicts;
// a training run over a dataset and a backtest are queued through the outbox; a backtest that
// cannot be one is refused before anything is queued; viewers may not import.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const TABLE = ['cycle_id,grade,speed,load,failure', 'C1,A,1500,40,0', 'C2,B,1600,42,1', 'C3,A,1450,39,0', 'C4,C,1700,51,true'].join('\n');
const IMPORT = 'mutation($i: ImportDatasetInput!) { importDataset(input: $i) { id name rowCount positives columns dropColumns sha256 } }';

describe('datasets and backtests', () => {
  let api: ApiHarness;
  let data: string;
  let datasetId: string;
  let modelId: string;

  beforeAll(async () => {
    api = await startApi();
    data = await api.login('data@northwind.example');
    const created = await api.gql('mutation($i: ModelInput!) { createModel(input: $i) { id } }', { i: { name: 'Cycle risk', task: 'FAILURE_RISK' } }, data);
    modelId = created.data!.createModel.id;
  });
  afterAll(async () => api?.close());

  it('refuses a bad table with every problem by line and column, and keeps nothing', async () => {
    const bad = TABLE.replace('C2,B,1600,42,1', 'C2,B,,42,1').replace('C4,C,1700,51,true', 'C4,C,1700,51,maybe');
    const res = await api.gql(IMPORT, { i: { name: 'bad', csv: bad, label: 'failure', drop: ['cycle_id'] } }, data);
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        field: 'csv',
        problems: [
          { line: 5, column: 'failure', message: 'the label must be 0, 1, true or false, not "maybe"' },
          { line: 3, column: 'speed', message: 'is empty in a numeric column' },
        ],
      },
    });
    const missing = await api.gql(IMPORT, { i: { name: 'bad', csv: TABLE, label: 'broken' } }, data);
    expect(missing.errors?.[0]?.message).toMatch(/column broken: is not in the header/);
    const list = await api.gql('{ datasets { totalCount } }', {}, data);
    expect(list.data!.datasets.totalCount).toBe(0);
  });

  it('stores a good table with its columns typed, once per name', async () => {
    const res = await api.gql(IMPORT, { i: { name: 'cycles', csv: TABLE, label: 'failure', drop: ['cycle_id'] } }, data);
    expect(res.errors).toBeUndefined();
    datasetId = res.data!.importDataset.id;
    expect(res.data!.importDataset).toMatchObject({
      name: 'cycles',
      rowCount: 4,
      positives: 2,
      dropColumns: ['cycle_id'],
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      columns: [
        { name: 'cycle_id', role: 'DROPPED' },
        { name: 'grade', role: 'CATEGORICAL', categories: ['A', 'B', 'C'] },
        { name: 'speed', role: 'NUMERIC' },
        { name: 'load', role: 'NUMERIC' },
        { name: 'failure', role: 'LABEL' },
      ],
    });
    const again = await api.gql(IMPORT, { i: { name: 'cycles', csv: TABLE, label: 'failure' } }, data);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
    const viewer = await api.login('viewer@northwind.example');
    const refused = await api.gql(IMPORT, { i: { name: 'viewer', csv: TABLE, label: 'failure' } }, viewer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('queues a training run over the dataset through the outbox', async () => {
    const res = await api.gql(
      'mutation($i: TrainOnDatasetInput!) { trainModelOnDataset(input: $i) { id status datasetId } }',
      { i: { modelId, datasetId, params: { family: 'GBT', thresholdRule: { kind: 'MIN_PRECISION', precision: 0.7 } } } },
      data,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.trainModelOnDataset).toMatchObject({ status: 'QUEUED', datasetId });
    const { rows } = await api.services.db.pool.query('SELECT job_name FROM outbox WHERE job_id = $1', [`training-${res.data!.trainModelOnDataset.id}`]);
    expect(rows).toEqual([{ job_name: 'model-training' }]);
    const detector = await api.gql(
      'mutation($i: TrainOnDatasetInput!) { trainModelOnDataset(input: $i) { id } }',
      { i: { modelId, datasetId, params: { family: 'ANOMALY_ZSCORE' } } },
      data,
    );
    expect(detector.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a backtest that cannot be one before anything is queued', async () => {
    const unknown = await api.gql(
      'mutation($i: BacktestModelInput!) { backtestModel(input: $i) { id } }',
      { i: { versionId: '00000000-0000-4000-8000-000000000000', datasetId } },
      data,
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', details: { field: 'versionId' } });
    const { rows } = await api.services.db.pool.query("SELECT count(*)::int AS n FROM outbox WHERE job_name = 'model-backtest'");
    expect(rows[0].n).toBe(0);
  });

  it('queues a detector backtest by its spec over chosen signals and labels, refusing one without signals or with a label ending before it starts', async () => {
    const signal = (await api.services.db.pool.query("SELECT s.id FROM signals s JOIN assets a ON a.id = s.asset_id WHERE a.code = 'LEJ-L1-CNC02' LIMIT 1"))
      .rows[0].id as string;
    const backtest = (i: Record<string, unknown>) =>
      api.gql('mutation($i: BacktestDetectorInput!) { backtestDetector(input: $i) { id status modelVersionId params } }', { i }, data);
    const window = { from: '2026-11-20T00:00:00Z', to: '2026-11-27T00:00:00Z' };
    const none = await backtest(window);
    expect(none.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'signalIds' } });
    const unknown = await backtest({ ...window, signalIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', details: { field: 'signalIds' } });
    const backwards = await backtest({ ...window, signalIds: [signal], labels: [{ start: '2026-11-22T10:00:00Z', end: '2026-11-22T09:00:00Z' }] });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'labels' } });
    const queued = await backtest({
      ...window,
      signalIds: [signal],
      stepSeconds: 300,
      labels: [{ start: '2026-11-22T09:00:00Z', end: '2026-11-22T10:00:00Z' }],
    });
    expect(queued.errors).toBeUndefined();
    expect(queued.data!.backtestDetector).toMatchObject({
      status: 'QUEUED',
      modelVersionId: null,
      params: {
        signalIds: [signal],
        spec: { stepSeconds: 300, threshold: 0.5 },
        labels: [{ assetId: null, start: '2026-11-22T09:00:00.000Z', end: '2026-11-22T10:00:00.000Z' }],
      },
    });
    // The refused requests queued nothing: the one backtest job is the accepted one.
    const { rows } = await api.services.db.pool.query("SELECT job_id FROM outbox WHERE job_name = 'model-backtest'");
    expect(rows).toEqual([{ job_id: `backtest-${queued.data!.backtestDetector.id}` }]);
  });
});
