// The database's side of pipeline health as Prometheus gauges, read at every scrape of the API's
// /metrics (every organisation's: the scrape is the operators'): the outbox's backlog and its
// oldest row's age, each live deployment's drift status, each edge agent's heartbeat age and backlog.
import type { RawSql } from '../sql.ts';
import type { PipelineMetrics } from './metrics.ts';
import { deploymentHealth, edgeAgentHealth, outboxHealth } from './pipeline-health.ts';

/** `read` once per scrape: the gauges of one scrape that need the same rows share one query. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= read().finally(() => setImmediate(() => (pending = null)));
    return pending;
  };
}

export function registerHealthGauges(metrics: PipelineMetrics, db: RawSql): void {
  const outbox = oncePerScrape(() => outboxHealth(db, null));
  const agents = oncePerScrape(() => edgeAgentHealth(db, null));
  metrics.gauge('threadline_outbox_backlog', 'Outbox rows not yet dispatched to their queue.', [], async () => [
    { labels: {}, value: (await outbox()).backlog },
  ]);
  metrics.gauge('threadline_outbox_oldest_seconds', 'Age of the oldest undispatched outbox row (0 when none).', [], async () => [
    { labels: {}, value: (await outbox()).oldestSeconds ?? 0 },
  ]);
  metrics.gauge(
    'threadline_deployment_drifting',
    "Each live deployment's last drift check: 1 drifting, 0 not, -1 never checked.",
    ['deployment', 'model', 'version', 'target'],
    async () =>
      (await deploymentHealth(db, null)).map((d) => ({
        labels: { deployment: d.deploymentId, model: d.model, version: String(d.version), target: d.target },
        value: d.drifting === null ? -1 : d.drifting ? 1 : 0,
      })),
  );
  metrics.gauge(
    'threadline_edge_heartbeat_age_seconds',
    "Seconds since each edge agent's last heartbeat (-1: never), with its agent version and mode.",
    ['target', 'site', 'agent_version', 'mode'],
    async () =>
      (await agents()).map((a) => ({
        labels: { target: a.name, site: a.site ?? '', agent_version: a.agentVersion ?? '', mode: a.mode ?? '' },
        value: a.heartbeatAgeSeconds ?? -1,
      })),
  );
  metrics.gauge('threadline_edge_backlog', "Each edge agent's reported store-and-forward backlog.", ['target'], async () =>
    (await agents()).map((a) => ({ labels: { target: a.name }, value: a.backlog ?? 0 })),
  );
}
