// The pipeline's health as the portal and the API's /metrics read it: what the database knows
// (the outbox's backlog, each live deployment's drift status, each edge agent's heartbeat, version,
// mode and backlog) and what the live processes last sampled (ingest per path, queue depths and
// ages, job and inference latency; process-samples.ts). One organisation's view for the portal;
// every organisation's for the operators' scrape.
import { rows, row, type RawSql } from '../sql.ts';

export interface OutboxHealth {
  backlog: number;
  oldestSeconds: number | null;
}

export interface DeploymentHealth {
  deploymentId: string;
  model: string;
  version: number;
  target: string;
  status: string;
  drifting: boolean | null;
  driftingShare: number | null;
  checkedAt: Date | null;
}

export interface EdgeAgentHealth {
  targetId: string;
  name: string;
  site: string | null;
  agentVersion: string | null;
  mode: string | null;
  modelVersion: number | null;
  backlog: number | null;
  heartbeatAgeSeconds: number | null;
}

export interface ProcessFigures {
  processId: string;
  kind: string;
  host: string;
  pid: number;
  startedAt: Date;
  sampledAt: Date;
  figures: Record<string, { labels: Record<string, string | number>; value: number }[]>;
}

export interface PipelineHealth {
  outbox: OutboxHealth;
  deployments: DeploymentHealth[];
  edgeAgents: EdgeAgentHealth[];
  /** Processes that sampled within the last `liveSeconds`. */
  processes: ProcessFigures[];
}

/** Organisation filter: one organisation's rows, or every organisation's (null). */
const scoped = (column: string, index: number) => `($${index}::uuid IS NULL OR ${column} = $${index}::uuid)`;

export async function outboxHealth(db: RawSql, organizationId: string | null): Promise<OutboxHealth> {
  const found = await row<OutboxHealth>(
    db,
    `SELECT count(*)::int AS backlog, extract(epoch FROM now() - min(created_at))::float8 AS "oldestSeconds"
       FROM outbox WHERE dispatched_at IS NULL AND ${scoped('organization_id', 1)}`,
    organizationId,
  );
  return found!;
}

export function deploymentHealth(db: RawSql, organizationId: string | null): Promise<DeploymentHealth[]> {
  return rows<DeploymentHealth>(
    db,
    `SELECT d.id AS "deploymentId", m.name AS model, v.version, t.name AS target, d.status::text AS status,
            r.drifting, r.drifting_share AS "driftingShare", r.created_at AS "checkedAt"
       FROM deployments d
       JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
       JOIN models m ON m.organization_id = v.organization_id AND m.id = v.model_id
       JOIN edge_targets t ON t.organization_id = d.organization_id AND t.id = d.edge_target_id
       LEFT JOIN LATERAL (SELECT drifting, drifting_share, created_at FROM drift_reports WHERE deployment_id = d.id ORDER BY created_at DESC LIMIT 1) r ON true
      WHERE d.status IN ('ACTIVE', 'FALLBACK') AND ${scoped('d.organization_id', 1)}
      ORDER BY m.name, v.version, t.name`,
    organizationId,
  );
}

export function edgeAgentHealth(db: RawSql, organizationId: string | null): Promise<EdgeAgentHealth[]> {
  return rows<EdgeAgentHealth>(
    db,
    `SELECT t.id AS "targetId", t.name, s.code AS site, t.agent_version AS "agentVersion", t.agent_mode AS mode,
            t.agent_model_version AS "modelVersion", t.agent_backlog AS backlog,
            extract(epoch FROM now() - t.last_heartbeat_at)::float8 AS "heartbeatAgeSeconds"
       FROM edge_targets t LEFT JOIN sites s ON s.organization_id = t.organization_id AND s.id = t.site_id
      WHERE t.kind <> 'CLOUD' AND ${scoped('t.organization_id', 1)}
      ORDER BY t.name`,
    organizationId,
  );
}

export function liveProcesses(db: RawSql, liveSeconds: number): Promise<ProcessFigures[]> {
  return rows<ProcessFigures>(
    db,
    `SELECT process_id AS "processId", kind, host, pid, started_at AS "startedAt", sampled_at AS "sampledAt", figures
       FROM process_samples WHERE sampled_at > now() - make_interval(secs => $1) ORDER BY kind, started_at`,
    liveSeconds,
  );
}

export async function pipelineHealth(db: RawSql, organizationId: string | null, liveSeconds = 60): Promise<PipelineHealth> {
  return {
    outbox: await outboxHealth(db, organizationId),
    deployments: await deploymentHealth(db, organizationId),
    edgeAgents: await edgeAgentHealth(db, organizationId),
    processes: await liveProcesses(db, liveSeconds),
  };
}
