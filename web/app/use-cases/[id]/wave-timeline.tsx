// The scaling waves on one time axis (planned bars, today marked), then each wave with its scope
// against the phase's policy, its gates, the decisions taken and the request waiting, with the
// actions the viewer may take: ask for a gate review (usecase:write) or decide one (approval:decide,
// not the requester).
import { ActionForm } from '../../components/action-form';
import { Help } from '../../components/metric';
import { date, number, PHASE } from '../../../lib/format';
import { decisionButtons } from '../../../lib/decision-buttons';
import { decideAdvance, requestAdvance } from './actions';
import type { PendingAdvance, WaveView } from './view';

const OUTCOME: Record<string, string> = { ADVANCE: 'Advanced', HOLD: 'Held', ROLL_BACK: 'Rolled back' };

function limits(w: WaveView): string {
  const parts = [
    w.maxAssets !== null ? `≤ ${w.maxAssets} assets` : null,
    w.maxLines !== null ? `≤ ${w.maxLines} lines` : null,
    w.maxSites !== null ? `≤ ${w.maxSites} sites` : null,
  ].filter(Boolean);
  return parts.length > 0 ? ` (policy ${parts.join(', ')})` : '';
}

export function WaveTimeline({
  useCaseId,
  waves,
  pending,
  viewer,
}: {
  useCaseId: string;
  waves: WaveView[];
  pending: PendingAdvance[];
  viewer: { id: string; permissions: string[] };
}) {
  if (waves.length === 0) return <p className="muted">No waves planned yet.</p>;
  const start = Math.min(...waves.map((w) => Date.parse(w.plannedStartAt)));
  const end = Math.max(...waves.map((w) => Date.parse(w.plannedEndAt)));
  const at = (t: number) => `${(100 * (Math.min(Math.max(t, start), end) - start)) / (end - start || 1)}%`;
  const mayRequest = viewer.permissions.includes('usecase:write');
  const mayDecide = viewer.permissions.includes('approval:decide');
  return (
    <>
      <div
        className="gantt"
        role="img"
        aria-label={`Waves from ${date(new Date(start).toISOString())} to ${date(new Date(end).toISOString())}: ${waves.map((w) => `${PHASE[w.phase]} ${w.status.toLowerCase()}`).join(', ')}.`}
      >
        {waves.map((w) => (
          <div key={w.id} className="gantt-row">
            <span className="gantt-label">{PHASE[w.phase]}</span>
            <span className="gantt-track">
              <span
                className={`gantt-bar status-${w.status.toLowerCase()}`}
                style={{ left: at(Date.parse(w.plannedStartAt)), width: `calc(${at(Date.parse(w.plannedEndAt))} - ${at(Date.parse(w.plannedStartAt))})` }}
              />
              <span className="gantt-today" style={{ left: at(Date.now()) }} />
            </span>
          </div>
        ))}
      </div>
      <ol className="timeline">
        {waves.map((w) => {
          const request = pending.find((p) => p.subjectId === w.id);
          return (
            <li key={w.id} className={`status-${w.status.toLowerCase()}`} data-testid="wave">
              <h3>
                {PHASE[w.phase]}: {w.name} <span className="tag">{w.status}</span> <Help metric="waves" label="waves" />
              </h3>
              <p className="muted small">
                Planned {date(w.plannedStartAt)} – {date(w.plannedEndAt)}
                {w.startedAt ? `; started ${date(w.startedAt)}` : ''}
                {w.endedAt ? `, ended ${date(w.endedAt)}` : ''}. Scope: {w.coverage.assets} assets, {w.coverage.lines} lines, {w.coverage.sites} sites
                {limits(w)}.
              </p>
              {w.gates.length > 0 ? (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">
                        Gate <Help metric="gate" label="gate" />
                      </th>
                      <th scope="col" className="num">
                        Threshold
                      </th>
                      <th scope="col" className="num">
                        Window
                      </th>
                      <th scope="col" className="num">
                        Last value
                      </th>
                      <th scope="col">Status</th>
                      <th scope="col">Evaluated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {w.gates.map((g) => (
                      <tr key={g.id}>
                        <td>{g.kpi.name}</td>
                        <td className="num">
                          {number(g.threshold, 2)} {g.kpi.unit}
                        </td>
                        <td className="num">{g.windowDays} d</td>
                        <td className="num">{number(g.lastValue, 2)}</td>
                        <td>
                          <span className={g.passing === null ? 'tag' : g.passing ? 'pass' : 'fail'}>
                            {g.passing === null ? 'not evaluated' : g.passing ? 'passing' : 'failing'}
                          </span>
                        </td>
                        <td>{date(g.lastEvaluatedAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted small">No gates on this wave.</p>
              )}
              {w.decisions.map((d) => (
                <p key={d.id} className="decided">
                  <strong>{OUTCOME[d.outcome] ?? d.outcome}</strong> by {d.decidedBy.name} on {date(d.decidedAt)}: {d.rationale}
                </p>
              ))}
              {request ? (
                <div className="request" data-testid="advance-request">
                  <p>
                    Advance requested by {request.requestedBy.name} on {date(request.createdAt)}
                    {request.comment ? `: “${request.comment}”` : ''}.
                  </p>
                  {mayDecide && request.requestedById !== viewer.id ? (
                    <ActionForm
                      action={decideAdvance}
                      hidden={{ approvalId: request.id, useCaseId }}
                      buttons={decisionButtons(`the advance of ${w.name}`)}
                      note={{ name: 'comment', label: 'Comment' }}
                    />
                  ) : (
                    <p className="muted small">{mayDecide ? 'You asked for this; another approver decides.' : 'An approver decides.'}</p>
                  )}
                </div>
              ) : w.status === 'ACTIVE' && mayRequest ? (
                <ActionForm
                  action={requestAdvance}
                  hidden={{ waveId: w.id, useCaseId }}
                  note={{ name: 'rationale', label: 'Why advance', required: true }}
                  buttons={[{ value: 'request', label: 'Request gate review', ariaLabel: `Request a gate review of ${w.name}` }]}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}
