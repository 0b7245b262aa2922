// Every API and workers process writes its metrics snapshot (metrics.ts) to process_samples every
// `everyMs` (the first one `everyMs` after it starts), and removes its row when it stops; rows of processes silent for a day are dropped by
// whoever samples next. The pipeline-health page reads the live ones.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { PipelineMetrics } from './metrics.ts';
import { systemClock, type Clock } from '../clock.ts';

export class ProcessSampler {
  readonly processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly startedAt: Date;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly metrics: PipelineMetrics,
    private readonly log: Logger,
    private readonly everyMs = 10_000,
    clock: Clock = systemClock,
  ) {
    this.startedAt = clock.now();
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    this.timer.unref();
  }

  async sample(): Promise<void> {
    try {
      const figures = await this.metrics.snapshot();
      await this.pool.query(
        `INSERT INTO process_samples (process_id, kind, host, pid, started_at, sampled_at, figures) VALUES ($1, $2, $3, $4, $5, now(), $6::jsonb)
         ON CONFLICT (process_id) DO UPDATE SET sampled_at = now(), figures = EXCLUDED.figures`,
        [this.processId, this.metrics.process, hostname(), process.pid, this.startedAt, JSON.stringify(figures)],
      );
      await this.pool.query("DELETE FROM process_samples WHERE sampled_at < now() - interval '1 day'");
    } catch (err) {
      this.log.warn({ err }, 'recording the process metrics sample failed; the next one tries again');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pool.query('DELETE FROM process_samples WHERE process_id = $1', [this.processId]).catch(() => undefined);
  }
}
