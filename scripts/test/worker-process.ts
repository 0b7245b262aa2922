// A workers process as production runs it, for crash and end-to-end tests: spawned in its own
// process group on a test database and queue prefix, killed with SIGKILL (in the middle of its
// inference jobs, or at the end of a test), and an in-process worker that takes the stalled jobs
// over once their locks lapse.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import pino from 'pino';
import type { Queue } from 'bullmq';
import { trustedKeySet, type SigningKey } from '@threadline/db/audit/audit-keys';
import { inferenceJob } from '@threadline/db/jobs';
import { modelHandlers } from '../../workers/src/model-workers.ts';
import { startWorkerHost, type WorkerHost } from '../../workers/src/worker-host.ts';
import { waitFor } from './wait-for.ts';

/** Job locks lapse this fast, so stalled jobs are taken over within seconds. */
const LOCK_MS = 2_000;

export interface WorkersProcess {
  /** SIGKILLs the whole group (tsx and the node process it runs) once inference has stored something and jobs are active; resolves when it has exited. */
  killMidway(stored: () => Promise<number>, queue: Queue): Promise<{ activeAtKill: number }>;
  /** SIGKILL, if still running (for afterAll). */
  kill(): void;
}

export function spawnWorkersProcess(options: {
  databaseUrl: string;
  queuePrefix: string;
  modelSigningKeyPem?: string;
  env?: Record<string, string>;
}): WorkersProcess {
  const child: ChildProcess = spawn(fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)), ['src/main.ts'], {
    cwd: fileURLToPath(new URL('../../workers', import.meta.url)),
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      QUEUE_PREFIX: options.queuePrefix,
      MQTT_URL: '',
      OPCUA_ENDPOINT: '',
      ...(options.modelSigningKeyPem ? { MODEL_SIGNING_KEY: options.modelSigningKeyPem } : {}),
      LOG_LEVEL: 'silent',
      WORKER_LOCK_MS: String(LOCK_MS),
      INFERENCE_CONCURRENCY: '2',
      NODE_ENV: 'test',
      ...options.env,
    },
    stdio: 'ignore',
    // Its own process group: tsx runs the worker in a child process, and both must die.
    detached: true,
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null)
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
  };
  return {
    kill,
    async killMidway(stored, queue) {
      let activeAtKill = 0;
      await waitFor(
        'the workers process to be in the middle of its jobs',
        async () => {
          const [done, counts] = await Promise.all([stored(), queue.getJobCounts('active')]);
          if (done === 0 || counts.active! === 0) return false;
          kill();
          activeAtKill = counts.active!;
          return true;
        },
        { timeoutMs: 60_000, everyMs: 25 },
      );
      await exited;
      return { activeAtKill };
    },
  };
}

/** An in-process worker of the inference queue that takes over stalled jobs. */
export function inferenceTakeOver(options: { redisUrl: string; queuePrefix: string; pool: pg.Pool; signingKey: SigningKey }): WorkerHost {
  const { pool, signingKey } = options;
  return startWorkerHost({
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    prefix: options.queuePrefix,
    concurrency: 2,
    lockDurationMs: LOCK_MS,
    log: pino({ level: 'silent' }),
    catalogue: [inferenceJob as never],
    handlers: { [inferenceJob.name]: modelHandlers({ pool, signingKey, trustedKeys: trustedKeySet(signingKey, undefined) }).handlers[inferenceJob.name]! },
  });
}
