// A model's over-the-air rollouts to its edge targets: each rollout's version and status, and per
// target its wave, its step and what its agent reported (the smoke test's figures, or why it
// refused the update).
import { date, number } from '../../lib/format';

export interface EdgeRolloutView {
  id: string;
  modelId: string;
  version: number;
  canaryShare: number;
  status: string;
  reason: string | null;
  startedAt: string;
  targets: {
    targetName: string;
    wave: number;
    step: string;
    report: { ok?: boolean; reason?: string | null; windows?: number; alertShareAfter?: number } | null;
  }[];
}

export const EDGE_ROLLOUT_FIELDS = 'edgeRollouts { id modelId version canaryShare status reason startedAt targets { targetName wave step report } }';

function reportOf(report: EdgeRolloutView['targets'][number]['report']): string {
  if (!report) return '—';
  if (report.ok === false) return report.reason ?? 'refused';
  return report.windows !== undefined ? `smoke test on ${report.windows} windows, alerts on ${number((report.alertShareAfter ?? 0) * 100, 0)} %` : 'installed';
}

export function EdgeRollouts({ rollouts }: { rollouts: EdgeRolloutView[] }) {
  if (rollouts.length === 0) return null;
  return (
    <table data-testid="edge-rollouts">
      <caption>Over-the-air rollouts to the edge</caption>
      <thead>
        <tr>
          <th scope="col">Rollout</th>
          <th scope="col">Status</th>
          <th scope="col">Targets</th>
        </tr>
      </thead>
      <tbody>
        {rollouts.map((r) => (
          <tr key={r.id}>
            <td>
              v{r.version}, canary {number(r.canaryShare * 100, 0)} %, {date(r.startedAt)}
            </td>
            <td>
              <span className="tag">{r.status}</span>
              {r.reason ? <span className="muted small"> {r.reason}</span> : null}
            </td>
            <td>
              <ul className="plain">
                {r.targets.map((t) => (
                  <li key={t.targetName}>
                    {t.targetName} ({t.wave === 0 ? 'canary' : 'second wave'}): <span className="tag">{t.step}</span>{' '}
                    <span className="muted small">{reportOf(t.report)}</span>
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
