// Pipeline health: the same figures the Prometheus scrapes serve, for people. Ingest per path,
// queue depths and ages, job and inference latency from the live API and workers processes'
// samples; the outbox; each live deployment's drift; each edge agent's heartbeat, version and mode.
import { LiveRefresh } from '../components/live-refresh';
import { loadPage } from '../../lib/page-data';
import { POLL_SECONDS } from '../../lib/config';
import { fingerprintOf, LIVE_FIELDS, type LiveData } from '../../lib/live';
import { durations, ingestByPath, queues, type Figures } from './figures';

export const dynamic = 'force-dynamic';

interface Health extends LiveData {
  pipelineHealth: {
    outbox: { backlog: number; oldestSeconds: number | null };
    deployments: {
      deploymentId: string;
      model: string;
      version: number;
      target: string;
      status: string;
      drifting: boolean | null;
      driftingShare: number | null;
      checkedAt: string | null;
    }[];
    edgeAgents: {
      targetId: string;
      name: string;
      site: string | null;
      agentVersion: string | null;
      mode: string | null;
      backlog: number | null;
      heartbeatAgeSeconds: number | null;
    }[];
    processes: { processId: string; kind: string; host: string; pid: number; startedAt: string; sampledAt: string; figures: Figures }[];
  };
}

const QUERY = `{
  pipelineHealth {
    outbox { backlog oldestSeconds }
    deployments { deploymentId model version target status drifting driftingShare checkedAt }
    edgeAgents { targetId name site agentVersion mode backlog heartbeatAgeSeconds }
    processes { processId kind host pid startedAt sampledAt figures }
  }
  ${LIVE_FIELDS}
}`;

const seconds = (s: number | null) =>
  s === null ? '—' : s < 120 ? `${s.toFixed(0)} s` : s < 7_200 ? `${(s / 60).toFixed(0)} min` : `${(s / 3_600).toFixed(1)} h`;
const ms = (s: number | null) => (s === null ? '—' : `${(s * 1000).toFixed(s < 0.1 ? 1 : 0)} ms`);
const count = (n: number) => n.toLocaleString('en-GB');

export default async function PipelinePage() {
  const { data, error } = await loadPage<Health>(QUERY);
  if (!data)
    return (
      <>
        <h1>Pipeline health</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const health = data.pipelineHealth;
  const figures = health.processes.map((p) => p.figures);
  const ingest = ingestByPath(figures);
  const queueRows = queues(figures);
  const jobs = durations(figures, 'threadline_job_duration_seconds', 'job');
  const inference = durations(figures, 'threadline_inference_duration_seconds', 'task');
  return (
    <>
      <h1>Pipeline health</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} />
      <p className="lede">
        From ingest to insight, as the processes’ Prometheus metrics report it ({health.processes.length} live process
        {health.processes.length === 1 ? '' : 'es'}; API <code>/metrics</code>, workers on <code>WORKERS_METRICS_PORT</code>).
      </p>

      <section className="panel" data-testid="ingest">
        <h2>Ingest per path</h2>
        {ingest.length === 0 ? (
          <p className="muted">No points counted by the live processes yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>path</th>
                <th>accepted</th>
                <th>duplicates</th>
                <th>rejected</th>
              </tr>
            </thead>
            <tbody>
              {ingest.map((r) => (
                <tr key={r.path}>
                  <td>{r.path}</td>
                  <td>{count(r.accepted)}</td>
                  <td>{count(r.duplicate)}</td>
                  <td>{count(r.rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" data-testid="queues">
        <h2>Queues</h2>
        <p>
          Outbox: <strong>{count(health.outbox.backlog)}</strong> job{health.outbox.backlog === 1 ? '' : 's'} not yet on their queue
          {health.outbox.oldestSeconds !== null ? `, the oldest ${seconds(health.outbox.oldestSeconds)} old` : ''}.
        </p>
        {queueRows.length === 0 ? (
          <p className="muted">No workers process has reported its queues in the last minute.</p>
        ) : (
          <table data-testid="queue-table">
            <thead>
              <tr>
                <th>queue</th>
                <th>waiting</th>
                <th>active</th>
                <th>delayed</th>
                <th>failed</th>
                <th>oldest waiting</th>
              </tr>
            </thead>
            <tbody>
              {queueRows.map((q) => (
                <tr key={q.queue}>
                  <td>{q.queue}</td>
                  <td>{count(q.waiting)}</td>
                  <td>{count(q.active)}</td>
                  <td>{count(q.delayed)}</td>
                  <td>{count(q.failed)}</td>
                  <td>{seconds(q.oldestSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {jobs.length > 0 ? (
          <table data-testid="jobs">
            <thead>
              <tr>
                <th>job</th>
                <th>runs</th>
                <th>mean duration</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.name}>
                  <td>{j.name}</td>
                  <td>{count(j.count)}</td>
                  <td>{ms(j.meanSeconds)}</td>
                </tr>
              ))}
              {inference.map((i) => (
                <tr key={`inference-${i.name}`}>
                  <td>onnxruntime batches ({i.name})</td>
                  <td>{count(i.count)}</td>
                  <td>{ms(i.meanSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      <section className="panel" data-testid="drift">
        <h2>Drift per deployment</h2>
        <table>
          <thead>
            <tr>
              <th>model</th>
              <th>target</th>
              <th>status</th>
              <th>drift</th>
              <th>checked</th>
            </tr>
          </thead>
          <tbody>
            {health.deployments.map((d) => (
              <tr key={d.deploymentId}>
                <td>
                  {d.model} v{d.version}
                </td>
                <td>{d.target}</td>
                <td>{d.status}</td>
                <td>
                  {d.drifting === null ? 'not checked yet' : d.drifting ? `drifting (${((d.driftingShare ?? 0) * 100).toFixed(0)} % of features)` : 'stable'}
                </td>
                <td>{d.checkedAt ? new Date(d.checkedAt).toLocaleString('en-GB') : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel" data-testid="edge-agents">
        <h2>Edge agents</h2>
        <table>
          <thead>
            <tr>
              <th>agent</th>
              <th>site</th>
              <th>version</th>
              <th>mode</th>
              <th>backlog</th>
              <th>last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {health.edgeAgents.map((a) => (
              <tr key={a.targetId}>
                <td>{a.name}</td>
                <td>{a.site ?? '—'}</td>
                <td>{a.agentVersion ?? '—'}</td>
                <td>{a.mode ?? '—'}</td>
                <td>{a.backlog === null ? '—' : count(a.backlog)}</td>
                <td>{a.heartbeatAgeSeconds === null ? 'never' : `${seconds(a.heartbeatAgeSeconds)} ago`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
