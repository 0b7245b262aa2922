// Models: each model with its champion, versions and lineage (parent, training run and its data
// window), running and past experiments with their result and 95 % interval, and the promotion
// requests waiting for a decision, with Approve and Reject for people who may decide them; the
// over-the-air rollouts of each model to its edge targets.
import { loadPage } from '../../lib/page-data';
import { date, money, number } from '../../lib/format';
import { ActionForm } from '../components/action-form';
import { decidePromotion } from './actions';
import { decisionButtons } from '../../lib/decision-buttons';
import { DriftPanel, type DriftReportView } from './drift-panel';
import { EDGE_ROLLOUT_FIELDS, EdgeRollouts, type EdgeRolloutView } from './edge-rollouts';
import { LiveRefresh } from '../components/live-refresh';
import { POLL_SECONDS } from '../../lib/config';
import { fingerprintOf, LIVE_FIELDS, type LiveData } from '../../lib/live';

export const dynamic = 'force-dynamic';

interface Version {
  id: string;
  version: number;
  aliases: string[];
  family: string;
  createdAt: string;
  metrics: Record<string, unknown>;
  threshold: number;
  decision: { summary: string; validation: { f1: number | null; brier: number | null } } | null;
  backtests: Backtest[];
  parent: { version: number } | null;
  trainingRun: { trigger: string; dataWindowStartAt: string; dataWindowEndAt: string } | null;
}
interface Backtest {
  status: string;
  createdAt: string;
  windowStartAt: string | null;
  windowEndAt: string | null;
  error: string | null;
  result: {
    kind?: string;
    eventWindowScores?: Record<string, number> | null;
    labels?: number;
    labelsFlagged?: number;
    falseAlarmsPerDay?: number;
    auc?: number | null;
    averagePrecision?: number | null;
    f1?: number | null;
    failures?: number;
    caught?: number;
    leadTimeMinutes?: { median: number } | null;
    value?: { net: number } | null;
  };
}
interface Experiment {
  id: string;
  kind: string;
  status: string;
  trafficShare: number;
  metric: string;
  statisticalTest: string;
  champion: { version: number };
  challenger: { version: number };
  evaluatedAt: string | null;
  result: { difference?: number | null; ci95?: [number, number] | null; pValue?: number | null; champion?: { units: number }; challenger?: { units: number } };
}
interface ModelsView extends LiveData {
  viewer: { id: string; permissions: string[] };
  models: { nodes: { id: string; name: string; task: string; riskClass: string; useCase: { name: string } | null; versions: Version[] }[] };
  experiments: { nodes: (Experiment & { modelId: string })[] };
  driftReports: { nodes: DriftReportView[] };
  edgeRollouts: EdgeRolloutView[];
  approvals: { nodes: { id: string; subjectId: string; comment: string | null; createdAt: string; requestedById: string; requestedBy: { name: string } }[] };
}

const QUERY = `{
  viewer { id permissions }
  models(first: 100) { nodes { id name task riskClass useCase { name }
    versions { id version aliases family createdAt metrics threshold decision { summary validation { f1 brier } }
      backtests { status createdAt windowStartAt windowEndAt error result }
      parent { version } trainingRun { trigger dataWindowStartAt dataWindowEndAt } } } }
  experiments(first: 100, order: DESC) { nodes { id modelId kind status trafficShare metric statisticalTest evaluatedAt result champion { version } challenger { version } } }
  driftReports(first: 200, order: DESC) { nodes { id modelVersionId windowStartAt windowEndAt drifting driftingShare features } }
  ${EDGE_ROLLOUT_FIELDS}
  approvals(first: 100, filter: { subjectType: MODEL_PROMOTION, status: PENDING }) { nodes { id subjectId comment createdAt requestedById requestedBy { name } } }
  ${LIVE_FIELDS}
}`;

const metric = (m: Record<string, unknown>, key: string) => (typeof m[key] === 'number' ? number(m[key] as number, 3) : '—');

/** The latest backtest of a version, in one line. */
function BacktestSummary({ tests }: { tests: Backtest[] }) {
  const latest = [...tests].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!latest) return <span className="muted">—</span>;
  if (latest.status !== 'SUCCEEDED') return <span className="muted">{latest.status === 'FAILED' ? `failed: ${latest.error ?? ''}` : 'running'}</span>;
  const r = latest.result;
  const span = latest.windowStartAt ? (
    <span className="muted small">
      {' '}
      ({date(latest.windowStartAt)} – {date(latest.windowEndAt)})
    </span>
  ) : null;
  if (r.kind === 'DETECTOR')
    return (
      <span>
        event-window score {number(r.eventWindowScores?.standard ?? null, 1)} · {r.labelsFlagged ?? 0} of {r.labels ?? 0} anomalies flagged ·{' '}
        {number(r.falseAlarmsPerDay ?? null, 2)} false alarms per asset-day
        {span}
      </span>
    );
  return (
    <span>
      AUC {number(r.auc ?? null, 3)} · PR-AUC {number(r.averagePrecision ?? null, 3)} · F1 {number(r.f1 ?? null, 3)}
      {r.failures !== undefined ? ` · ${r.caught ?? 0} of ${r.failures} failures foreseen` : ''}
      {r.leadTimeMinutes ? `, median lead ${number(r.leadTimeMinutes.median, 0)} min` : ''}
      {r.value ? ` · net ${money(r.value.net)}` : ''}
      {span}
    </span>
  );
}

function ExperimentResult({ x }: { x: Experiment }) {
  const r = x.result;
  if (!r || r.difference === undefined || r.difference === null) return <span className="muted">not evaluated yet</span>;
  return (
    <span>
      {x.metric} difference {number(r.difference, 4)} (95 % CI {number(r.ci95?.[0] ?? null, 4)} to {number(r.ci95?.[1] ?? null, 4)}), p ={' '}
      {number(r.pValue ?? null, 3)}, {r.champion?.units ?? 0} / {r.challenger?.units ?? 0} asset-hours ({x.statisticalTest})
    </span>
  );
}

export default async function ModelsPage() {
  const { data, error } = await loadPage<ModelsView>(QUERY);
  if (!data)
    return (
      <>
        <h1>Models</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const mayPromote = data.viewer.permissions.includes('model:promote');
  const versionOf = new Map(data.models.nodes.flatMap((m) => m.versions.map((v) => [v.id, { model: m, version: v }] as const)));
  return (
    <>
      <h1>Models</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} />
      <p className="lede">Signed model versions, where each came from, how challengers compare, and the promotions waiting for a decision.</p>
      <section className="panel" aria-label="Promotions waiting">
        <h2>Promotions waiting for a decision</h2>
        {data.approvals.nodes.length === 0 ? (
          <p className="muted">No promotion requests are waiting.</p>
        ) : (
          <ul className="approvals">
            {data.approvals.nodes.map((a) => {
              const target = versionOf.get(a.subjectId);
              const label = target ? `${target.model.name} v${target.version.version}` : 'version';
              return (
                <li key={a.id} data-testid="approval">
                  <strong>{label}</strong> to champion, asked by {a.requestedBy.name} on {date(a.createdAt)}
                  {a.comment ? `: “${a.comment}”` : ''}
                  {mayPromote && a.requestedById !== data.viewer.id ? (
                    <ActionForm action={decidePromotion} hidden={{ approvalId: a.id }} buttons={decisionButtons(label)} />
                  ) : (
                    <p className="muted small">{mayPromote ? 'You asked for this; someone else decides.' : 'An approver decides.'}</p>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {data.models.nodes.length === 0 ? (
        <p className="muted">No models yet. A data scientist registers or trains one through the API.</p>
      ) : (
        data.models.nodes.map((m) => {
          const champion = m.versions.find((v) => v.aliases.includes('champion'));
          const experiments = data.experiments.nodes.filter((x) => x.modelId === m.id);
          const versionIds = new Set(m.versions.map((v) => v.id));
          const drift = data.driftReports.nodes.filter((r) => versionIds.has(r.modelVersionId));
          return (
            <section className="panel" key={m.id} data-testid="model">
              <h2>
                {m.name} <span className="tag">{m.task}</span> <span className="tag">EU AI Act: {m.riskClass}</span>
              </h2>
              <p className="muted small">
                {m.useCase ? `Use case: ${m.useCase.name}. ` : ''}
                <span data-testid="champion">{champion ? `Champion: v${champion.version}` : 'No champion yet'}</span>.
              </p>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Family</th>
                    <th scope="col">From</th>
                    <th scope="col">Trained on</th>
                    <th scope="col" className="num">
                      Holdout AUC
                    </th>
                    <th scope="col" className="num">
                      Precision
                    </th>
                    <th scope="col" className="num">
                      Recall
                    </th>
                    <th scope="col">Threshold</th>
                    <th scope="col" className="num">
                      Validation F1
                    </th>
                    <th scope="col">Backtest</th>
                    <th scope="col">Registered</th>
                  </tr>
                </thead>
                <tbody>
                  {[...m.versions]
                    .sort((a, b) => b.version - a.version)
                    .map((v) => (
                      <tr key={v.id}>
                        <td>
                          v{v.version}{' '}
                          {v.aliases.map((a) => (
                            <span className="tag" key={a}>
                              {a}
                            </span>
                          ))}
                        </td>
                        <td>{v.family}</td>
                        <td>{v.parent ? `v${v.parent.version}` : '—'}</td>
                        <td>
                          {v.trainingRun
                            ? `${date(v.trainingRun.dataWindowStartAt)} – ${date(v.trainingRun.dataWindowEndAt)} (${v.trainingRun.trigger})`
                            : 'registered from outside'}
                        </td>
                        <td className="num">{metric(v.metrics, 'auc')}</td>
                        <td className="num">{metric(v.metrics, 'precision')}</td>
                        <td className="num">{metric(v.metrics, 'recall')}</td>
                        <td data-testid="decision">
                          {number(v.threshold, 3)}
                          {v.decision ? <span className="muted small"> · {v.decision.summary}</span> : null}
                        </td>
                        <td className="num">{number(v.decision?.validation.f1 ?? null, 3)}</td>
                        <td data-testid="backtest">
                          <BacktestSummary tests={v.backtests} />
                        </td>
                        <td>{date(v.createdAt)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
              {experiments.length > 0 ? (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Experiment</th>
                      <th scope="col">Status</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {experiments.map((x) => (
                      <tr key={x.id}>
                        <td>
                          {x.kind === 'AB_TEST' ? `A/B, ${Math.round(x.trafficShare * 100)} % to` : 'Shadow of'} v{x.challenger.version} vs v
                          {x.champion.version}
                        </td>
                        <td>
                          <span className="tag">{x.status}</span>
                        </td>
                        <td>
                          <ExperimentResult x={x} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              <EdgeRollouts rollouts={data.edgeRollouts.filter((r) => r.modelId === m.id)} />
              <DriftPanel reports={drift} championId={champion?.id ?? null} />
            </section>
          );
        })
      )}
    </>
  );
}
