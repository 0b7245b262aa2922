// Chaos in retraining: data scientists request training runs through the API while the API process
// is SIGKILLed again and again (a kill can fall between a request's commit and its answer), with no
// workers running, so every decision's job waits in the outbox; then the workers start and are
// SIGKILLed again and again while they train. A client
// resends an unanswered request with the same request key, as the API asks. Afterwards every
// request has exactly one run, one audit event, one outbox job and one registered version, and the
// audit chain is intact.
import { Queue } from 'bullmq';
import { EventIngest } from '@threadline/db/telemetry/events';
import { IngestService } from '@threadline/db/telemetry/ingest';
import { openTelemetryStorage } from '@threadline/db/telemetry/storage';
import { backfillScenario } from '../../workers/src/simulator/backfill.ts';
import { loadPlantSignals } from '../../workers/src/simulator/plant-signals.ts';
import { Scenario, SCENARIO_PERIOD_MS } from '../../workers/src/simulator/scenario.ts';
import { ApiClient } from './api-client.ts';
import { counts, pending, serviceEnv, type ChaosContext } from './context.ts';
import { checkAuditChains, out, sleep, type Outcome } from './outcome.ts';
import { ServiceProcess } from './service-process.ts';

const REQUESTS = 40;
const CLIENTS = 4;
const KEY_PREFIX = 'chaos-retrain-';
const TRAIN_MUTATION = 'mutation($i: TrainModelInput!) { trainModel(input: $i) { id createdAt } }';

interface Tally {
  runs: number;
  succeeded: number;
  versions: number;
  without_version: number;
  created_events: number;
  finished_events: number;
  jobs: number;
  dispatched: number;
}

interface Sent {
  key: string;
  attempts: number;
  unanswered: number;
  runId: string | null;
  lastResentAt: number | null;
  runCreatedAt: number | null;
}

/** One scenario period of the demo CNCs' history (with its bearing failure) and a model to retrain on it. */
async function prepareTraining(context: ChaosContext): Promise<{ modelId: string; from: Date; to: Date }> {
  const { pool } = context;
  const org = (await pool.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0]!.id;
  const to = Math.floor(Date.now() / SCENARIO_PERIOD_MS) * SCENARIO_PERIOD_MS - 2 * SCENARIO_PERIOD_MS;
  const from = to - SCENARIO_PERIOD_MS;
  const signals = (await loadPlantSignals(pool, org)).filter((s) => s.assetCode.startsWith('LEJ-L1-CNC'));
  await backfillScenario({
    ingest: IngestService.forPool(pool, await openTelemetryStorage(pool)),
    events: new EventIngest(pool),
    organizationId: org,
    scenario: new Scenario(7),
    signals,
    from,
    to,
    stepMs: 10_000,
  });
  const {
    rows: [model],
  } = await pool.query<{ id: string }>(
    `INSERT INTO models (organization_id, name, task, asset_type_id) SELECT $1, 'chaos: retraining', 'FAILURE_RISK', id FROM asset_types WHERE organization_id = $1 AND name = 'CNC machining centre' RETURNING id`,
    [org],
  );
  return { modelId: model!.id, from: new Date(from), to: new Date(to) };
}

export async function retrainingUnderKills(context: ChaosContext, apiKills: number, workerKills: number): Promise<Outcome> {
  out(`${apiKills} SIGKILLs of the API during training requests, ${workerKills} of the workers during training`);
  const { modelId, from, to } = await prepareTraining(context);
  const prefix = 'chaos-train';
  const { api, client } = await ApiClient.process({
    DATABASE_URL: context.databaseUrl,
    AUDIT_SIGNING_KEY: context.pem,
    MODEL_SIGNING_KEY: context.pem,
    AUTH_TOKEN_SECRET: 'chaos-suite-session-secret-of-32-characters',
  });
  const workers = new ServiceProcess('workers', { ...serviceEnv(context, prefix), WORKER_LOCK_MS: '3000', TRAINING_CONCURRENCY: '2' });
  const models = new Queue('models', { connection: { url: context.redis.url, maxRetriesPerRequest: null }, prefix });
  models.on('error', () => undefined);
  try {
    api.start();
    await client.ready();
    const token = await client.login('data@northwind.example');

    // The data scientists: each request resent with its key until it is answered.
    const sent: Sent[] = Array.from({ length: REQUESTS }, (_, i) => ({
      key: `${KEY_PREFIX}${i}`,
      attempts: 0,
      unanswered: 0,
      runId: null,
      lastResentAt: null,
      runCreatedAt: null,
    }));
    let next = 0;
    const requester = async () => {
      for (let i = next++; i < REQUESTS; i = next++) {
        const request = sent[i]!;
        while (!request.runId) {
          if (request.attempts > 0) request.lastResentAt = Date.now();
          request.attempts += 1;
          const res = await client.gql<{ trainModel: { id: string; createdAt: string } }>(
            TRAIN_MUTATION,
            { i: { modelId, from, to, requestKey: request.key } },
            token,
          );
          const run = res.body?.data?.trainModel;
          if (run) {
            request.runId = run.id;
            request.runCreatedAt = Date.parse(run.createdAt);
          } else {
            request.unanswered += 1;
            await sleep(200);
          }
        }
        await sleep(50 + Math.random() * 200);
      }
    };
    const requesting = Promise.all(Array.from({ length: CLIENTS }, requester));
    let apiKilled = 0;
    let requestsDone = false;
    void requesting.then(() => {
      requestsDone = true;
    });
    while (apiKilled < apiKills && !requestsDone) {
      await client.ready();
      await sleep(150 + Math.random() * 600);
      if (requestsDone) break;
      await api.kill();
      apiKilled += 1;
      api.start();
    }
    await requesting;
    out(`  ${REQUESTS} requests answered after ${apiKilled} API kills; their jobs wait in the outbox until the workers start`);
    workers.start();

    // The workers SIGKILLed while they train, restarted at once as a supervisor would.
    const runs = sent.map((s) => s.runId!);
    const unfinished = async () =>
      Number(
        (
          await context.pool.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM training_runs WHERE id = ANY($1::uuid[]) AND status NOT IN ('SUCCEEDED', 'FAILED')",
            [runs],
          )
        ).rows[0]!.n,
      );
    const running = async () =>
      Number(
        (await context.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM training_runs WHERE id = ANY($1::uuid[]) AND status = 'RUNNING'", [runs]))
          .rows[0]!.n,
      );
    let workersKilled = 0;
    let killedWhileActive = 0;
    while (workersKilled < workerKills && (await unfinished()) > 0) {
      // Kill once the restarted workers have finished a run, at a random moment of the next ones' training.
      const before = await unfinished();
      const until = Date.now() + 60_000;
      while (Date.now() < until && (await unfinished()) === before && before > 0) await sleep(50);
      await sleep(Math.random() * 2_000);
      if ((await running()) > 0) killedWhileActive += 1;
      await workers.kill();
      workersKilled += 1;
      workers.start();
      out(`  workers kill ${workersKilled}/${workerKills}: ${REQUESTS - (await unfinished())} of ${REQUESTS} runs finished`);
    }
    const started = Date.now();
    while ((await unfinished()) > 0 && Date.now() - started < 300_000) await sleep(500);
    const jobCounts = await counts(models);

    const {
      rows: [tally],
    } = await context.pool.query<Tally>(`
      SELECT count(*)::int AS runs,
             count(*) FILTER (WHERE r.status = 'SUCCEEDED')::int AS succeeded,
             coalesce(sum((SELECT count(*) FROM model_versions v WHERE v.training_run_id = r.id)), 0)::int AS versions,
             count(*) FILTER (WHERE (SELECT count(*) FROM model_versions v WHERE v.training_run_id = r.id) = 0)::int AS without_version,
             coalesce(sum((SELECT count(*) FROM audit_events a WHERE a.subject_id = r.id::text AND a.type = 'training_run.created')), 0)::int AS created_events,
             coalesce(sum((SELECT count(*) FROM audit_events a WHERE a.subject_id = r.id::text AND a.type = 'training_run.updated')), 0)::int AS finished_events,
             coalesce(sum((SELECT count(*) FROM outbox o WHERE o.job_id = 'training-' || r.id)), 0)::int AS jobs,
             coalesce(sum((SELECT count(*) FROM outbox o WHERE o.job_id = 'training-' || r.id AND o.dispatched_at IS NOT NULL)), 0)::int AS dispatched
        FROM training_runs r WHERE r.request_key LIKE '${KEY_PREFIX}%'`);
    const t = tally!;
    const swallowed = sent.filter((s) => s.lastResentAt !== null && s.runCreatedAt !== null && s.runCreatedAt < s.lastResentAt).length;
    const failures: string[] = [];
    if (t.succeeded !== t.runs) failures.push(`${t.runs - t.succeeded} runs did not succeed`);
    if (t.dispatched !== t.jobs) failures.push(`${t.jobs - t.dispatched} outbox jobs never dispatched`);
    if ((jobCounts?.failed ?? 0) > 0) failures.push(`${jobCounts!.failed} training jobs failed`);
    const outcome: Outcome = {
      scenario: `API SIGKILLed ${apiKilled} times during training requests, workers ${workersKilled} times during training`,
      sent: `${REQUESTS} training requests in ${sent.reduce((n, s) => n + s.attempts, 0)} attempts (${sent.reduce((n, s) => n + s.unanswered, 0)} unanswered, resent with their key)`,
      done: `${t.succeeded} of ${t.runs} runs succeeded; ${t.dispatched} of ${t.jobs} outbox jobs dispatched; ${jobCounts ? pending(jobCounts) : '?'} jobs pending`,
      stored: `${t.runs} runs, ${t.versions} versions, ${t.created_events} request and ${t.finished_events} result audit events`,
      lost: REQUESTS - t.runs + t.without_version + Math.max(0, t.runs - t.jobs),
      duplicated:
        Math.max(0, t.runs - REQUESTS) +
        (t.versions - (t.runs - t.without_version)) +
        Math.max(0, t.created_events - t.runs) +
        Math.max(0, t.finished_events - t.runs) +
        Math.max(0, t.jobs - t.runs),
      notes: [
        `${swallowed} requests committed but their answer lost to a kill (the resend named the same run)`,
        `${killedWhileActive} worker kills with a run training`,
      ],
      failures,
    };
    await checkAuditChains(context.pool, context.pem, outcome);
    return outcome;
  } finally {
    await api.kill('SIGTERM');
    await workers.kill('SIGTERM');
    await models.close();
  }
}
