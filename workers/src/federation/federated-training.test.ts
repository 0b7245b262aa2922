// Federated training over two sites, on the real paths: the API (GraphQL to start, REST for the
// sites), two edge agents' `takePart` over their own tables, and the model-training job that
// registers the version. Every request a site makes is recorded: nothing but a phase, a round and
// a vector of numbers crosses, and no site row reaches the core's database. The federated,
// differentially private model is judged on held-out rows against a logistic regression trained
// centrally on both sites' rows pooled.
import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { siteRowsOf, federatedSpecSchema } from '@threadline/db/federation/federated-spec';
import { siteScore } from '@threadline/db/federation/site-update';
import { readLabelledTable, recordsOf } from '@threadline/db/models/labelled-table';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { takePart, type Transport } from '../edge/federate.ts';
import { FAILURE_TABLE_FEDERATED_SPEC, failureTableCsv } from '../ml/failure-table.ts';
import { auc } from '../ml/metrics.ts';
import { trainTable } from '../ml/train-table.ts';
import { runModelTraining } from '../processors/model-training.ts';

const SPEC = FAILURE_TABLE_FEDERATED_SPEC;
const POLICY = { federated: { sites: ['LEJ', 'BRQ'], epsilon: 3, delta: 1e-5, noiseMultiplier: 16, maxRounds: 100 } };

/** Margin of the stated goal: the federated model's held-out AUC within 0.05 of the centralised one's. */
const AUC_MARGIN = 0.05;

describe('federated training with differential privacy', () => {
  let api: ApiHarness;
  let token: string;
  let sites: { code: string; targetId: string; key: string; csv: string }[];

  beforeAll(async () => {
    api = await startApi();
    token = await api.login('admin@northwind.example');
    const siteIds = (await api.gql<{ sites: { nodes: { id: string; code: string }[] } }>('{ sites(first: 10) { nodes { id code } } }', {}, token)).data!.sites
      .nodes;
    sites = [];
    for (const [i, code] of POLICY.federated.sites.entries()) {
      const siteId = siteIds.find((s) => s.code === code)!.id;
      const target = await api.gql(
        'mutation($input: EdgeTargetInput!) { createEdgeTarget(input: $input) { id } }',
        { input: { name: `${code.toLowerCase()}-gateway`, kind: 'GATEWAY', runtime: 'onnxruntime-node', siteId } },
        token,
      );
      const key = await api.gql(`mutation { createApiKey(input: { name: "${code} edge", scopes: ["edge:write"] }) { token } }`, {}, token);
      sites.push({ code, targetId: target.data!.createEdgeTarget.id, key: key.data!.createApiKey.token, csv: failureTableCsv(6_000, 31 + i) });
    }
  });
  afterAll(async () => api?.close());

  const createModel = async (policy: unknown) => {
    const assetTypeId = (await api.gql('{ assetTypes(first: 1) { nodes { id } } }', {}, token)).data!.assetTypes.nodes[0].id;
    const created = await api.gql(
      'mutation($input: ModelInput!) { createModel(input: $input) { id } }',
      { input: { name: `federated-${Math.random().toString(36).slice(2, 8)}`, task: 'FAILURE_RISK', assetTypeId, policy } },
      token,
    );
    return created.data!.createModel.id as string;
  };

  it('trains over two sites without a raw row leaving either, within the margin of central training, and registers ε and δ', async () => {
    const modelId = await createModel(POLICY);
    const started = await api.gql(
      'mutation($input: StartFederatedTrainingInput!) { startFederatedTraining(input: $input) { id trainingRunId plannedRounds sites epsilon } }',
      { input: { modelId, spec: SPEC } },
      token,
    );
    expect(started.errors).toBeUndefined();
    const run = started.data!.startFederatedTraining;
    expect(run.sites).toEqual(['LEJ', 'BRQ']);
    expect(run.plannedRounds).toBe(84);

    const crossed: { method: string; path: string; body: unknown }[] = [];
    const transportOf =
      (key: string): Transport =>
      async (method, path, body) => {
        crossed.push({ method, path, body });
        const response = await api.app.inject({ method, url: path, headers: { 'x-api-key': key }, ...(body === undefined ? {} : { payload: body as object }) });
        return { status: response.statusCode, body: response.json() };
      };
    const deadline = Date.now() + 240_000;
    const results = await Promise.all(
      sites.map((site) =>
        takePart({
          runId: run.id,
          targetId: site.targetId,
          records: recordsOf(site.csv).records,
          transport: transportOf(site.key),
          log: pino({ level: 'silent' }),
          pollMs: 5,
          deadline,
        }),
      ),
    );
    expect(results.map((r) => r.rounds)).toEqual([84, 84]);

    // What crossed: round requests without a body, and updates of exactly a phase, a round and numbers.
    const posts = crossed.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2 * 85);
    for (const { body } of posts) {
      expect(Object.keys(body as object).sort()).toEqual(['phase', 'round', 'targetId', 'values']);
      const { values, phase } = body as { values: unknown[]; phase: string };
      expect(values).toHaveLength(phase === 'GRADIENT' ? 16 : 100);
      expect(values.every((v) => typeof v === 'number')).toBe(true);
    }
    expect(crossed.filter((c) => c.method === 'GET').every((c) => c.body === undefined)).toBe(true);
    const sentText = JSON.stringify(crossed);
    expect(sentText).not.toMatch(/C0\d{5}/); // no cycle id of any site row
    // No site row reached the core's database: no dataset, no telemetry was written during the run.
    const stored = await api.services.db.pool.query(
      'SELECT (SELECT count(*) FROM datasets)::int AS datasets, (SELECT count(*) FROM federated_updates WHERE cardinality(values) > 100)::int AS wide',
    );
    expect(stored.rows[0]).toEqual({ datasets: 0, wide: 0 });

    // The model-training job registers the version from the aggregated run.
    const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const job = await api.services.db.pool.query("SELECT payload FROM outbox WHERE job_name = 'model-training' AND job_id = $1", [
      `training-${run.trainingRunId}`,
    ]);
    expect(job.rows).toHaveLength(1);
    const organizationId = job.rows[0].payload.organizationId as string;
    const output = await runModelTraining(
      { pool: api.services.db.pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) },
      { organizationId, trainingRunId: run.trainingRunId },
      true,
    );
    expect(output.versionId).not.toBeNull();
    const version = await api.gql('query($id: ID!) { modelVersion(id: $id) { family metrics trainingRunId } }', { id: output.versionId }, token);
    const metrics = version.data!.modelVersion.metrics;
    expect(version.data!.modelVersion.trainingRunId).toBe(run.trainingRunId);
    expect(metrics.federated).toMatchObject({ sites: ['LEJ', 'BRQ'], rounds: 84, stopReason: 'BUDGET' });
    expect(metrics.privacy.delta).toBe(1e-5);
    expect(metrics.privacy.epsilon).toBeGreaterThan(2.9);
    expect(metrics.privacy.epsilon).toBeLessThanOrEqual(3);
    const card = await api.gql('query($id: ID!) { model(id: $id) { card cardMarkdown } }', { id: modelId }, token);
    expect(card.data!.model.card.privacy).toMatchObject({ versionId: output.versionId, delta: 1e-5, sites: ['LEJ', 'BRQ'] });
    expect(card.data!.model.cardMarkdown).toContain('(ε = 2.99, δ = 1e-5)');

    // Quality on held-out rows, beside a logistic regression trained on both sites' rows pooled.
    const spec = federatedSpecSchema.parse(SPEC);
    const held = siteRowsOf(spec, recordsOf(failureTableCsv(4_000, 77)).records);
    const runState = await api.services.db.pool.query('SELECT state FROM federated_runs WHERE id = $1', [run.id]);
    const federatedAuc = auc(
      held.rows.map((row) => siteScore(runState.rows[0].state.weights, row)),
      held.labels,
    );
    const pooledCsv = [sites[0]!.csv.trimEnd(), ...sites[1]!.csv.trimEnd().split('\n').slice(1)].join('\n');
    const central = await trainTable(readLabelledTable(pooledCsv, { label: 'failure', drop: ['cycle_id', 'timestamp', 'shift'] }), {
      family: 'logistic',
      timed: false,
      seed: 7,
      name: 'central',
      derive: false,
    });
    expect(federatedAuc).toBeGreaterThan((central.metrics.auc as number) - AUC_MARGIN);
  }, 300_000);

  it('refuses central training of a federated model, and a start the budget allows no round of', async () => {
    const modelId = await createModel({ federated: { ...POLICY.federated, epsilon: 0.5, noiseMultiplier: 1 } });
    const tooSmall = await api.gql(
      'mutation($input: StartFederatedTrainingInput!) { startFederatedTraining(input: $input) { id } }',
      { input: { modelId, spec: SPEC } },
      token,
    );
    expect(tooSmall.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooSmall.errors?.[0]?.message).toMatch(/does not allow a single round/);
    const central = await api.gql(
      'mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }',
      { input: { modelId, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() } },
      token,
    );
    expect(central.errors?.[0]?.message).toMatch(/train it federated/);
    expect(central.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('takes a site update once, and refuses one of the wrong round, size or site', async () => {
    const modelId = await createModel(POLICY);
    const run = (
      await api.gql(
        'mutation($input: StartFederatedTrainingInput!) { startFederatedTraining(input: $input) { id } }',
        { input: { modelId, spec: SPEC } },
        token,
      )
    ).data!.startFederatedTraining;
    const [lej, brq] = sites;
    const post = (site: typeof lej, body: object) =>
      api.app.inject({
        method: 'POST',
        url: `/edge/federated/${run.id}/updates`,
        headers: { 'x-api-key': site!.key },
        payload: { targetId: site!.targetId, ...body },
      });
    const values = Array.from({ length: 16 }, (_, i) => i / 100);
    expect((await post(lej, { phase: 'GRADIENT', round: 0, values })).json()).toMatchObject({ accepted: true, round: 0 });
    expect((await post(lej, { phase: 'GRADIENT', round: 0, values })).json()).toMatchObject({ accepted: false, round: 0 });
    const changed = await post(lej, { phase: 'GRADIENT', round: 0, values: values.map((v) => v + 1) });
    expect(changed.statusCode).toBe(409);
    expect((await post(brq, { phase: 'GRADIENT', round: 3, values })).statusCode).toBe(409);
    const short = await post(brq, { phase: 'GRADIENT', round: 0, values: [1, 2] });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.message).toMatch(/has 16 values/);
    const raw = await post(brq, { phase: 'GRADIENT', round: 0, values, rows: [[1, 2, 3]] });
    expect(raw.statusCode).toBe(400);
    const elsewhere = await api.gql('mutation { createEdgeTarget(input: { name: "cloud-x", kind: CLOUD, runtime: "onnxruntime-node" }) { id } }', {}, token);
    const outsider = await post({ ...brq!, targetId: elsewhere.data!.createEdgeTarget.id }, { phase: 'GRADIENT', round: 0, values });
    expect(outsider.statusCode).toBe(403);
    expect((await post(brq, { phase: 'GRADIENT', round: 0, values })).json()).toMatchObject({ accepted: true, round: 1 });
  });
});
