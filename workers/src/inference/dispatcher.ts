// Turns telemetry arrival notices into inference jobs, without polling: it LISTENs for arrivals
// and deployment changes, and a short moment (INFERENCE_DISPATCH_MS) after the first notice it
// enqueues, per cloud deployment, jobs holding the new grid windows of every asset that got data,
// oldest first and every one of them (a backlog is split into jobs, never cut). It remembers the
// last window scheduled per deployment and asset, starting from the newest stored prediction, or
// for a deployment that has none, from where it was asked to start (its backfill, scheduled as
// soon as the deployment is seen, over stored telemetry), else from when it was deployed (or the
// newest window, when the data is older), so each window is scheduled once; job ids name their
// windows, so a resend is the same job. One dispatcher leads at a time (a PostgreSQL advisory
// lock); others stand by. A dropped connection (a database restart) is replaced, and the lead
// taken again.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { ARRIVALS_CHANNEL, parseArrival } from '@threadline/db/telemetry/arrivals';
import { DEPLOYMENTS_CHANNEL, deploymentStarts, lastPredictionTimes, liveRoutes, type DeploymentStart } from '@threadline/db/models/deployment-scope';
import { rawSqlOf, tryAdvisoryLock } from '@threadline/db/sql';
import { ListenConnection } from '../listen-connection.ts';
import { systemClock } from '@threadline/db/clock';
import { inferenceJob, queuedJob, withTrace, type InferencePayload, type InferenceWindow } from '@threadline/db/jobs';
import { contextFrom, currentTraceparent, inSpan } from '@threadline/db/observability/tracing';

export interface DispatcherOptions {
  /** Connection string of the database (the dispatcher holds one connection of its own). */
  databaseUrl: string;
  role: string;
  pool: pg.Pool;
  queue: Queue;
  log: Logger;
  dispatchMs: number;
  /** Most windows of one asset in one piece of a job; a longer backlog comes in several pieces. */
  maxWindowsPerAsset: number;
  maxWindowsPerJob: number;
}

interface Route {
  deploymentId: string;
  organizationId: string;
  stepMs: number;
}

const LEADER_LOCK = 'threadline:inference-dispatcher';
/** Traces one job carries on: the first, and the others as links. */
const TRACES_PER_JOB = 8;
/** A backfill runs up to this long before now, leaving the newest windows to the data still arriving. */
const BACKFILL_LAG_MS = 60_000;

export class InferenceDispatcher {
  private connection: ListenConnection | null = null;
  private routes = new Map<string, Route[]>();
  private readonly lastScheduled = new Map<string, number>();
  private readonly starts = new Map<string, DeploymentStart>();
  private readonly known = new Set<string>();
  private readonly pending = new Map<string, { route: Route; assetId: string; latest: number; traces: string[] }>();
  private timer: NodeJS.Timeout | null = null;
  private leaderTimer: NodeJS.Timeout | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  private leading = false;
  private listening = false;
  private stopped = false;

  constructor(private readonly options: DispatcherOptions) {}

  /** Whether this dispatcher leads: it holds the lock, has loaded the deployments and listens. */
  get isLeading(): boolean {
    return this.leading && this.listening;
  }

  async start(): Promise<void> {
    // Leadership is the connection's session lock: a lost connection loses it, and the replacement
    // (or another process) takes it again.
    this.connection = new ListenConnection({
      databaseUrl: this.options.databaseUrl,
      role: this.options.role,
      log: this.options.log,
      label: 'inference dispatcher',
      onNotification: (channel, payload) => this.onNotification(channel, payload),
      connected: () => this.tryLead(),
      lost: () => {
        this.leading = false;
        this.listening = false;
      },
    });
    await this.connection.start();
    this.leaderTimer = setInterval(() => void this.tryLead().catch((err: unknown) => this.options.log.warn({ err }, 'leader check failed')), 5_000);
    // A safety net for changes whose notice was missed.
    this.reloadTimer = setInterval(() => void this.reload().catch((err: unknown) => this.options.log.warn({ err }, 'reloading deployments failed')), 30_000);
  }

  private async tryLead(): Promise<void> {
    const client = this.connection?.current;
    if (this.leading || this.stopped || !client) return;
    if (!(await tryAdvisoryLock(rawSqlOf(client), LEADER_LOCK))) return;
    this.leading = true;
    await this.reload();
    await client.query(`LISTEN ${ARRIVALS_CHANNEL}`);
    await client.query(`LISTEN ${DEPLOYMENTS_CHANNEL}`);
    this.listening = true;
    this.options.log.info({ deployments: new Set([...this.routes.values()].flat().map((r) => r.deploymentId)).size }, 'inference dispatcher leading');
  }

  /** Reloads which live cloud deployments score which assets, and where each left off. */
  async reload(): Promise<void> {
    if (!this.leading) return;
    const db = rawSqlOf(this.options.pool);
    const live = await liveRoutes(db);
    const routes = new Map<string, Route[]>();
    for (const row of live) {
      if (row.targetKind !== 'CLOUD' || !row.stepSeconds) continue;
      const list = routes.get(row.assetId) ?? [];
      list.push({ deploymentId: row.deploymentId, organizationId: row.organizationId, stepMs: row.stepSeconds * 1000 });
      routes.set(row.assetId, list);
    }
    const deployments = [...new Set(live.map((r) => r.deploymentId))].filter((d) => !this.known.has(d));
    if (deployments.length > 0) {
      // Known only once their starts are loaded: a reload running meanwhile loads them too, so no
      // route is ever used before its deployment's start is known.
      const [lasts, starts] = await Promise.all([lastPredictionTimes(db, deployments), deploymentStarts(db, deployments)]);
      for (const [key, last] of lasts) if (!this.lastScheduled.has(key)) this.lastScheduled.set(key, last);
      for (const [id, start] of starts) this.starts.set(id, start);
      for (const d of deployments) this.known.add(d);
      // A backfill starts now, over stored telemetry, without waiting for new data.
      const upTo = systemClock.nowMs() - BACKFILL_LAG_MS;
      for (const [assetId, list] of routes)
        for (const route of list)
          if (
            deployments.includes(route.deploymentId) &&
            starts.get(route.deploymentId)?.scoreFrom != null &&
            !this.lastScheduled.has(`${route.deploymentId}|${assetId}`)
          )
            this.schedule(route, assetId, upTo);
    }
    this.routes = routes;
  }

  /** Marks an asset's windows of a route as due up to `latest`; they are enqueued a moment later. */
  private schedule(route: Route, assetId: string, latest: number, traceparent?: string): void {
    const key = `${route.deploymentId}|${assetId}`;
    const entry = this.pending.get(key) ?? { route, assetId, latest, traces: [] };
    this.pending.set(key, entry);
    if (latest > entry.latest) entry.latest = latest;
    if (traceparent && entry.traces.length < TRACES_PER_JOB && !entry.traces.includes(traceparent)) entry.traces.push(traceparent);
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.options.dispatchMs);
  }

  private onNotification(channel: string, payload: string): void {
    if (!this.leading) return;
    if (channel === DEPLOYMENTS_CHANNEL) {
      void this.reload().catch((err: unknown) => this.options.log.warn({ err }, 'reloading deployments failed'));
      return;
    }
    const arrival = parseArrival(payload);
    if (!arrival) return;
    for (const [assetId, latest] of arrival.assets) {
      for (const route of this.routes.get(assetId) ?? [])
        if (route.organizationId === arrival.organizationId) this.schedule(route, assetId, latest, arrival.traceparent);
    }
  }

  /** Enqueues the pending windows now. */
  async flush(): Promise<void> {
    this.timer = null;
    const byDeployment = new Map<string, { route: Route; windows: InferenceWindow[] }>();
    const traces = new Map([...this.pending].map(([key, entry]) => [key, entry.traces]));
    for (const [key, { route, assetId, latest }] of this.pending) {
      const upTo = Math.floor(latest / route.stepMs) * route.stepMs;
      const start = this.starts.get(route.deploymentId);
      const first = start?.scoreFrom ?? Math.min(start?.deployedAt ?? Infinity, upTo - route.stepMs);
      const last = this.lastScheduled.get(key) ?? Math.floor(first / route.stepMs) * route.stepMs;
      if (upTo <= last) continue;
      this.lastScheduled.set(key, upTo);
      const group = byDeployment.get(route.deploymentId) ?? { route, windows: [] };
      const piece = this.options.maxWindowsPerAsset * route.stepMs;
      for (let after = last; after < upTo; after += piece) group.windows.push({ assetId, after, upTo: Math.min(after + piece, upTo) });
      byDeployment.set(route.deploymentId, group);
    }
    this.pending.clear();
    const jobs = [...byDeployment.values()].flatMap(({ route, windows }) => this.batches(route, windows));
    if (jobs.length === 0) return;
    try {
      const traced = await Promise.all(jobs.map((data) => this.traced(data, traces)));
      await this.options.queue.addBulk(traced.map((data) => queuedJob(inferenceJob, data, `${data.deploymentId}-${digest(data.windows)}`)));
    } catch (err) {
      this.options.log.error({ err, jobs: jobs.length }, 'enqueueing inference failed; the windows are scheduled again with the next data');
      for (const job of jobs)
        for (const w of job.windows) {
          const key = `${job.deploymentId}|${w.assetId}`;
          this.lastScheduled.set(key, Math.min(this.lastScheduled.get(key) ?? Infinity, w.after));
        }
    }
  }

  /** The job with the trace of the first sampled arrival it scores, dispatched in a span of it (the others linked). */
  private async traced(data: InferencePayload, traces: ReadonlyMap<string, string[]>): Promise<InferencePayload> {
    const carried = [...new Set(data.windows.flatMap((w) => traces.get(`${data.deploymentId}|${w.assetId}`) ?? []))].slice(0, TRACES_PER_JOB);
    if (carried.length === 0) return data;
    const [first, ...links] = carried;
    return inSpan(
      'inference.dispatch',
      {
        kind: 'PRODUCER',
        parent: contextFrom({ traceparent: first }),
        links,
        attributes: { 'threadline.deployment': data.deploymentId, 'threadline.windows': data.windows.length },
      },
      async () => withTrace(data, { traceparent: currentTraceparent() ?? first!, links }),
    );
  }

  /** Splits a deployment's windows into jobs of at most maxWindowsPerJob grid windows. */
  private batches(route: Route, windows: InferenceWindow[]): InferencePayload[] {
    const jobs: InferencePayload[] = [];
    let current: InferenceWindow[] = [];
    let size = 0;
    for (const w of windows) {
      const count = Math.round((w.upTo - w.after) / route.stepMs);
      if (size + count > this.options.maxWindowsPerJob && current.length > 0) {
        jobs.push({ organizationId: route.organizationId, deploymentId: route.deploymentId, windows: current });
        current = [];
        size = 0;
      }
      current.push(w);
      size += count;
    }
    if (current.length > 0) jobs.push({ organizationId: route.organizationId, deploymentId: route.deploymentId, windows: current });
    return jobs;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.timer, this.leaderTimer, this.reloadTimer]) if (timer) clearTimeout(timer);
    if (this.pending.size > 0 && this.leading) await this.flush();
    await this.connection?.stop();
  }
}

function digest(windows: readonly InferenceWindow[]): string {
  return createHash('sha1').update(JSON.stringify(windows)).digest('hex').slice(0, 20);
}
