// Expensive reads (raw telemetry, rollup series, aggregates) go through one gate, so that one
// caller cannot starve the others or the rest of the API:
// - they run on a pool of their own (READ_POOL_SIZE connections), so /health, writes and cheap
//   reads always find a connection on the main pool;
// - each caller (an API key or a person) runs at most READS_PER_CALLER of them at once; the rest
//   wait their turn, within the request's budget;
// - a request's expensive reads share one time budget (READ_TIME_BUDGET_MS): each statement runs
//   with PostgreSQL's statement_timeout set to what is left of it (SET LOCAL, in a read-only
//   transaction: no session state, so it works through PgBouncer in transaction mode), and a read
//   that would pass it is stopped and answered QUERY_TIMEOUT;
// - with a read replica configured they run there while it keeps up (prisma/src/read-replica.ts).
import type pg from 'pg';
import type { ReadPools } from '@threadline/db/read-replica';
import type { Clock } from '@threadline/db/clock';
import { ThreadlineError } from '../common/errors.ts';

export interface ReadBudget {
  /** Who is reading: one share per API key or person. */
  caller: string;
  /** When the request's reads must be done (epoch ms). */
  deadlineMs: number;
}

const STATEMENT_TIMEOUT = '57014';

export const readTimeout = (budgetMs: number) =>
  new ThreadlineError(
    'QUERY_TIMEOUT',
    `The reads of this request took longer than their budget of ${budgetMs / 1000} s and were stopped; ask for a shorter range, wider buckets or fewer series per request.`,
    { budgetMs },
  );

export class ReadGate {
  private readonly running = new Map<string, number>();
  private readonly queued = new Map<string, (() => void)[]>();

  constructor(
    private readonly pools: ReadPools,
    private readonly perCaller: number,
    readonly budgetMs: number,
    private readonly clock: Clock,
  ) {}

  /** A budget that starts now, for one request. */
  budgetFor(caller: string): ReadBudget {
    return { caller, deadlineMs: this.clock.nowMs() + this.budgetMs };
  }

  /** Runs `work` on a connection of the read pool, in the caller's turn and within the request's budget. */
  async run<T>(budget: ReadBudget, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.take(budget);
    try {
      const client = await this.pools.for(budget.caller).connect();
      let open = false;
      try {
        const left = Math.ceil(budget.deadlineMs - this.clock.nowMs());
        if (left <= 0) throw readTimeout(this.budgetMs);
        await client.query('BEGIN READ ONLY');
        open = true;
        await client.query(`SET LOCAL statement_timeout = ${left}`);
        const result = await work(client);
        await client.query('COMMIT');
        open = false;
        return result;
      } catch (error) {
        if (open) await client.query('ROLLBACK').catch(() => undefined);
        throw (error as { code?: string }).code === STATEMENT_TIMEOUT ? readTimeout(this.budgetMs) : error;
      } finally {
        client.release();
      }
    } finally {
      this.give(budget.caller);
    }
  }

  private async take(budget: ReadBudget): Promise<void> {
    const running = this.running.get(budget.caller) ?? 0;
    if (running < this.perCaller) {
      this.running.set(budget.caller, running + 1);
      return;
    }
    const wait = budget.deadlineMs - this.clock.nowMs();
    if (wait <= 0) throw readTimeout(this.budgetMs);
    const queue = this.queued.get(budget.caller) ?? [];
    this.queued.set(budget.caller, queue);
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(turn), 1);
        reject(readTimeout(this.budgetMs));
      }, wait);
      queue.push(turn);
    });
  }

  close(): Promise<void> {
    return this.pools.end();
  }

  /** Hands the caller's slot to its next queued read, or frees it. */
  private give(caller: string): void {
    const next = this.queued.get(caller)?.shift();
    if (next) return next();
    const running = (this.running.get(caller) ?? 1) - 1;
    if (running > 0) this.running.set(caller, running);
    else {
      this.running.delete(caller);
      this.queued.delete(caller);
    }
  }
}
