// Moves requested training runs onto the queue: the API inserts a QUEUED run and NOTIFYs in the
// same transaction; this relay LISTENs and enqueues the run with its id as job id (so a run is one
// job however often it is announced), and at start enqueues every run still QUEUED.
import pg from 'pg';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { TRAINING_CHANNEL } from '@threadline/db/models/training-requests';
import { modelTrainingJob } from './queues/catalogue.ts';

export class TrainingRequestRelay {
  private client: pg.Client | null = null;

  constructor(private readonly options: { databaseUrl: string; role: string; queue: Queue; log: Logger }) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on('error', (err) => this.options.log.error({ err }, 'training relay connection failed'));
    await client.connect();
    if (this.options.role) await client.query(`SET ROLE ${pg.escapeIdentifier(this.options.role)}`);
    client.on('notification', (message) => {
      const [organizationId, trainingRunId] = (message.payload ?? '').split(':');
      if (organizationId && trainingRunId) void this.enqueue(organizationId, trainingRunId);
    });
    await client.query(`LISTEN ${TRAINING_CHANNEL}`);
    this.client = client;
    const { rows } = await client.query<{ id: string; organization_id: string }>("SELECT id, organization_id FROM training_runs WHERE status = 'QUEUED' ORDER BY created_at");
    for (const run of rows) await this.enqueue(run.organization_id, run.id);
  }

  private async enqueue(organizationId: string, trainingRunId: string): Promise<void> {
    try {
      await this.options.queue.add(modelTrainingJob.name, { organizationId, trainingRunId }, { ...modelTrainingJob.options, jobId: trainingRunId });
    } catch (err) {
      this.options.log.error({ err, trainingRunId }, 'enqueueing a training run failed; it is enqueued again at the next start');
    }
  }

  async stop(): Promise<void> {
    await this.client?.end();
    this.client = null;
  }
}
