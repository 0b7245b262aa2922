// A model's drift: the newest report of its champion (PSI per feature against the training data,
// the drifting ones marked) and the drifting share of every report over time.
import { Help } from '../components/metric';
import { SeriesChart } from '../components/series-chart';
import { dateTime, ratio } from '../../lib/format';

export interface DriftReportView {
  id: string;
  modelVersionId: string;
  windowStartAt: string;
  windowEndAt: string;
  drifting: boolean;
  driftingShare: number;
  features: { windows?: number; features?: { feature: string; psi: number; ks: number; pValue: number; drifting: boolean }[] };
}

/** PSI at or above this is drifting (docs/models.md). */
const PSI_DRIFTING = 0.2;

export function DriftPanel({ reports, championId }: { reports: DriftReportView[]; championId: string | null }) {
  const latest = reports.find((r) => r.modelVersionId === championId) ?? reports[0];
  if (!latest) return <p className="muted small">No drift report yet: the workers compare live features with the training data every hour.</p>;
  const features = [...(latest.features.features ?? [])].sort((a, b) => b.psi - a.psi);
  const history = reports
    .filter((r) => r.modelVersionId === latest.modelVersionId)
    .reverse()
    .map((r) => ({ t: Date.parse(r.windowEndAt), share: r.driftingShare }));
  return (
    <div className="drift" data-testid="drift">
      <h3>
        Drift <Help metric="drift" label="drift" />
      </h3>
      <p className="muted small">
        Newest report: {dateTime(latest.windowStartAt)} – {dateTime(latest.windowEndAt)}, {latest.features.windows ?? 0} windows;{' '}
        {features.filter((f) => f.drifting).length} of {features.length} features drifting ({ratio(latest.driftingShare)})
        {latest.drifting ? ': retraining is due.' : '.'}
      </p>
      <div className="pair">
        <SeriesChart
          title="PSI of each feature in the newest report against the training data; 0.2 and above is drifting."
          points={features.map((f) => ({ feature: f.feature, psi: f.psi }))}
          x={{ key: 'feature', kind: 'category' }}
          bars={[{ key: 'psi', name: 'PSI', color: '#0f6cbd' }]}
          references={[{ axis: 'y', value: PSI_DRIFTING, label: 'drifting', color: '#b42318' }]}
          height={220}
          empty="The report has no features."
        />
        <SeriesChart
          title={`Share of drifting features in each report of ${latest.modelVersionId === championId ? 'the champion' : 'the newest version reported'} over time.`}
          points={history}
          x={{ key: 't', kind: 'time' }}
          lines={[{ key: 'share', name: 'Drifting share', color: '#a15c00' }]}
          height={220}
          empty="No reports yet."
        />
      </div>
    </div>
  );
}
