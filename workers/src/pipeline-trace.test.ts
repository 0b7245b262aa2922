// One observability layer, end to end on the real paths (API, PostgreSQL NOTIFY, the dispatcher,
// BullMQ on Redis, onnxruntime): a point sent with a sampled W3C traceparent is followed through
// ingest, the arrival notice, the dispatcher, the inference job, scoring, the predictions and the
// insight it raises, each span the child of the one before, read back from the span store; the
// job's log lines carry the trace id; a job decided inside a trace carries it through the outbox
// onto its queue; and the workers' scrape serves job, inference and queue series.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type pg from 'pg';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { inferenceJob, modelTrainingJob } from '@threadline/db/jobs';
import { addToOutbox } from '@threadline/db/outbox';
import { createDeployment } from '@threadline/db/models/deployments';
import { PipelineMetrics } from '@threadline/db/observability/metrics';
import { PostgresSpanExporter, pruneSpans, traceSpans } from '@threadline/db/observability/span-store';
import { contextFrom, inSpan, startTracing, traceFields, type Tracing } from '@threadline/db/observability/tracing';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { startApi, type ApiHarness } from '../../scripts/test/api-harness.ts';
import { createTestDatabase } from '../../scripts/test/database.ts';
import { cncFeatureSpec, HAND_MADE_STEP_MS, registerHandMadeVersion } from '../../scripts/test/hand-made-versions.ts';
import { dropQueuePrefix, redisUrl, testQueuePrefix } from '../../scripts/test/queues.ts';
import { waitFor } from '../../scripts/test/wait-for.ts';
import { portOf, registerQueueGauges, serveMetrics } from './metrics-server.ts';
import { modelHandlers, startModelRelays } from './model-workers.ts';
import { backfillScenario } from './simulator/backfill.ts';
import { loadPlantSignals } from './simulator/plant-signals.ts';
import { Scenario } from './simulator/scenario.ts';
import { startWorkerHost, type WorkerHost } from './worker-host.ts';

const signingKey = signingKeyFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const ASSET = 'LEJ-L1-CNC01';

describe('a point traced from ingest to insight', () => {
  const prefix = testQueuePrefix();
  const connection = { url: redisUrl(), maxRetriesPerRequest: null };
  const logLines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug', mixin: traceFields },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const metrics = new PipelineMetrics('workers');
  let pool: pg.Pool;
  let api: ApiHarness;
  let tracing: Tracing;
  let host: WorkerHost;
  let relays: Awaited<ReturnType<typeof startModelRelays>>;
  let key: string;
  let signalId: string;
  let org: string;
  let models: Queue;

  beforeAll(async () => {
    const database = await createTestDatabase();
    pool = createPool({ url: database.url, role: 'threadline_app', poolSize: 6 });
    // Only what the caller samples is traced (ratio 0): the backfill below leaves no spans.
    tracing = startTracing(new PostgresSpanExporter(pool, 'threadline'), 0, 50);
    api = await startApi({}, database);
    org = (await pool.query("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0].id as string;
    const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
    const modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'traced', 'FAILURE_RISK', $2) RETURNING id",
        [org, assetTypeId],
      )
    ).rows[0]!.id;
    // A threshold so low that every scored window raises an insight.
    const versionId = await registerHandMadeVersion(pool, signingKey, { organizationId: org, id: modelId, spec, scale }, 0.5, -1, 1e-6);
    const asset = (await pool.query<{ id: string }>('SELECT id FROM assets WHERE code = $1', [ASSET])).rows[0]!.id;
    await inTransaction(pool, async (db) => {
      const cloud = (await pool.query<{ id: string }>("SELECT id FROM edge_targets WHERE organization_id = $1 AND name = 'cloud-inference'", [org])).rows[0]!
        .id;
      await createDeployment(
        db,
        { organizationId: org, modelId, versionId, alias: null, edgeTargetId: cloud, assetId: asset, mode: 'CHAMPION', trafficShare: 1 },
        { kind: 'SYSTEM', id: null, label: 'test' },
      );
    });
    // Ten minutes of the asset's telemetry before the traced point, so its windows have features.
    const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode === ASSET);
    const now = Date.now();
    await backfillScenario({
      ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
      events: new EventIngest(pool),
      organizationId: org,
      scenario: new Scenario(5),
      signals,
      from: now - 600_000,
      to: now - 5_000,
      stepMs: HAND_MADE_STEP_MS,
    });
    signalId = (await pool.query<{ id: string }>('SELECT s.id FROM signals s WHERE s.asset_id = $1 ORDER BY s.name LIMIT 1', [asset])).rows[0]!.id;

    host = startWorkerHost({
      connection,
      prefix,
      concurrency: 2,
      log,
      metrics,
      catalogue: [inferenceJob as never],
      handlers: {
        [inferenceJob.name]: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined), metrics }).handlers[inferenceJob.name]!,
      },
    });
    registerQueueGauges(metrics, host.queues, () => Date.now());
    models = new Queue('models', { connection, prefix });
    relays = await startModelRelays({
      databaseUrl: database.url,
      role: 'threadline_app',
      pool,
      queue: (name) => (name === 'inference' ? host.queue('inference') : models),
      log,
      dispatchMs: 10,
      maxWindowsPerAsset: 720,
      maxWindowsPerJob: 2_000,
    });
    await waitFor('the dispatcher to lead', () => relays.dispatcher.isLeading);
    const admin = await api.login('admin@northwind.example');
    key = (await api.gql('mutation { createApiKey(input: { name: "gateway", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey.token;
  }, 180_000);

  afterAll(async () => {
    await relays?.stop();
    await models?.close();
    await host?.close();
    await tracing?.shutdown();
    await api?.close();
    await pool?.end();
    await dropQueuePrefix(prefix);
  });

  it('spans ingest, the arrival, the queue, scoring and the insight, one child of the next, and logs carry the trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await api.app.inject({
      method: 'POST',
      url: '/ingest/telemetry',
      headers: { 'x-api-key': key, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      payload: [{ signalId, time: new Date().toISOString(), value: 42 }],
    });
    expect(response.json()).toMatchObject({ accepted: 1 });
    expect(String(response.headers.traceparent)).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const db = rawSqlOf(pool);
    // Every span of the chain, the job's included: it ends (and is exported) after its children.
    const expected = [
      'POST /ingest/telemetry',
      'ingest.store',
      'inference.dispatch',
      'job inference',
      'inference.score',
      'predictions.record',
      'insights.raise',
    ];
    await waitFor(
      'the trace to reach the insight it raised, and every span of it to end',
      async () => {
        await tracing.forceFlush();
        const names = new Set((await traceSpans(db, traceId)).map((s) => s.name));
        return expected.every((name) => names.has(name));
      },
      { timeoutMs: 90_000, everyMs: 200 },
    );
    const spans = await traceSpans(db, traceId);
    const byName = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };
    const chain = ['POST /ingest/telemetry', 'ingest.store', 'inference.dispatch', 'job inference', 'inference.score'].map(byName);
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]!.parentSpanId, `${chain[i]!.name} under ${chain[i - 1]!.name}`).toBe(chain[i - 1]!.spanId);
    const record = byName('predictions.record');
    expect(record.parentSpanId).toBe(byName('job inference').spanId);
    expect(record.attributes['threadline.insights_raised']).toBeGreaterThan(0);
    expect(byName('insights.raise').parentSpanId).toBe(record.spanId);
    expect(spans.every((s) => s.status === 'OK')).toBe(true);

    // The job's own log lines name the trace.
    expect(logLines.some((l) => l.msg === 'job started' && l.job === 'inference' && l.trace_id === traceId)).toBe(true);
    // An untraced batch (the backfill) left no span.
    expect((await pool.query('SELECT count(DISTINCT trace_id)::int AS n FROM trace_spans')).rows[0].n).toBe(1);
  }, 120_000);

  it('carries a trace through the outbox onto the queue', async () => {
    const traceId = randomBytes(16).toString('hex');
    const trainingRunId = randomUUID();
    await inSpan('decision', { parent: contextFrom({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }) }, () =>
      inTransaction(pool, (db) =>
        addToOutbox(db, modelTrainingJob, { organizationId: org, jobId: `training-${trainingRunId}`, payload: { organizationId: org, trainingRunId } }),
      ),
    );
    await relays.outbox.relay();
    const job = await models.getJob(`training-${trainingRunId}`);
    expect(job?.data).toMatchObject({ organizationId: org, trainingRunId, _trace: { traceparent: expect.stringContaining(traceId) } });
    await waitFor('the outbox dispatch span', async () => {
      await tracing.forceFlush();
      return (await traceSpans(rawSqlOf(pool), traceId)).length === 2;
    });
    const [decision, dispatch] = await traceSpans(rawSqlOf(pool), traceId);
    expect(dispatch).toMatchObject({ name: 'outbox.dispatch', kind: 'PRODUCER', parentSpanId: decision!.spanId });
    expect(job!.data._trace.traceparent).toContain(dispatch!.spanId);
  });

  it('keeps spans for their retention days, then the maintenance drops them', async () => {
    const spans = Number((await pool.query('SELECT count(*) FROM trace_spans')).rows[0].count);
    expect(spans).toBeGreaterThan(0);
    expect(await pruneSpans(pool, 7, new Date())).toBe(0);
    expect(await pruneSpans(pool, 7, new Date(Date.now() + 8 * 86_400_000))).toBe(spans);
  });

  it('serves the workers’ job, inference and queue series on their scrape, behind the token', async () => {
    const server = await serveMetrics(metrics, 0, '127.0.0.1', 'workers-scrape-token-01');
    try {
      const url = `http://127.0.0.1:${portOf(server)}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const text = await (await fetch(url, { headers: { authorization: 'Bearer workers-scrape-token-01' } })).text();
      const value = (name: string, labels: string[]) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)))
          .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
      expect(
        value('threadline_job_duration_seconds_count', ['queue="inference"', 'job="inference"', 'outcome="completed"', 'process="workers"'])[0],
      ).toBeGreaterThan(0);
      expect(value('threadline_inference_duration_seconds_count', ['task="FAILURE_RISK"'])[0]).toBeGreaterThan(0);
      expect(value('threadline_queue_jobs', ['queue="inference"', 'state="waiting"'])).toHaveLength(1);
      expect(value('threadline_queue_oldest_waiting_seconds', ['queue="inference"'])[0]).toBeGreaterThanOrEqual(0);
    } finally {
      server.close();
    }
  });
});
