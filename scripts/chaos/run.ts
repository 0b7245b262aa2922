// `npm run chaos`: faults on purpose, bounded in count and time, loopback only, on databases and a
// Redis of its own (Redis with AOF, appendfsync everysec, on a free port; PostgreSQL crashes on a
// cluster of its own). Each scenario prints what was sent, done and stored, and what was lost or
// duplicated; both must be 0, and every audit chain intact, or the run fails.
//   inference  2,160 inference jobs while the workers process is SIGKILLed 20 times mid-work.
//   redis      Redis SIGKILLed and restarted while the workers score: they resume by themselves (< 30 s).
//   ingest     PostgreSQL crashed 3 times while a gateway sends 400 telemetry batches of 1,000 points.
//   training   40 training requests while the API is SIGKILLed 10 times, then the workers 10 times while they train.
// CHAOS_SCENARIOS (comma-separated names) runs a subset; CHAOS_KILLS, CHAOS_PG_CRASHES, CHAOS_API_KILLS and
// CHAOS_TRAINING_KILLS change the counts.
import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { signingKeyFromPem } from '@threadline/db/audit/audit-keys';
import { createPool } from '@threadline/db/client';
import { PrivateRedis } from '../test/private-redis.ts';
import { createSeededDatabase } from '../test/seeded-database.ts';
import type { ChaosContext } from './context.ts';
import { redisRestartedDuringInference, workersKilledDuringInference } from './inference-scenarios.ts';
import { postgresCrashedDuringIngest } from './ingest-scenario.ts';
import { retrainingUnderKills } from './training-scenario.ts';
import { describeOutcome, failed, out, type Outcome } from './outcome.ts';

const SCENARIOS: Record<string, (context: ChaosContext) => Promise<Outcome>> = {
  inference: (context) => workersKilledDuringInference(context, Number(process.env.CHAOS_KILLS ?? 20)),
  redis: redisRestartedDuringInference,
  ingest: (context) => postgresCrashedDuringIngest(context, Number(process.env.CHAOS_PG_CRASHES ?? 3)),
  training: (context) => retrainingUnderKills(context, Number(process.env.CHAOS_API_KILLS ?? 10), Number(process.env.CHAOS_TRAINING_KILLS ?? 10)),
};
const chosen = (process.env.CHAOS_SCENARIOS ?? Object.keys(SCENARIOS).join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = chosen.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  out(`chaos: no scenario ${unknown.join(', ')}; there are ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const database = await createSeededDatabase();
const redis = await PrivateRedis.start();
const pool = createPool({ url: database.url, role: 'threadline_app', poolSize: 4 });
const context: ChaosContext = { databaseUrl: database.url, pool, redis, pem, signingKey: signingKeyFromPem(pem) };
const outcomes: Outcome[] = [];
try {
  for (const [i, name] of chosen.entries()) {
    out(`${i + 1}. [${name}]`);
    outcomes.push(await SCENARIOS[name]!(context));
  }
} finally {
  await pool.end();
  await redis.stop();
  await database.drop();
}

out('');
for (const o of outcomes) out(describeOutcome(o));
const failures = outcomes.filter(failed);
out(
  `chaos: ${outcomes.length - failures.length} of ${outcomes.length} scenarios kept every point and job exactly once${failures.length > 0 ? `; FAILED: ${failures.map((o) => o.scenario).join('; ')}` : ''}`,
);
process.exit(failures.length > 0 ? 1 : 0);
