// One chart per KPI: its measurements against the baseline and the target, and how it is measured.
import { Help } from '../../components/metric';
import { SeriesChart } from '../../components/series-chart';
import { number } from '../../../lib/format';
import type { KpiView } from './view';

export function KpiPanels({ kpis }: { kpis: KpiView[] }) {
  if (kpis.length === 0) return <p className="muted">No KPIs yet: a use case proves its value against KPIs with a baseline and a target.</p>;
  return (
    <div className="cards">
      {kpis.map((k) => {
        const latest = k.measurements.at(-1);
        return (
          <article className="card" key={k.id} data-testid="kpi">
            <h3>
              {k.name} <Help metric="kpi" label={k.name} />
            </h3>
            <p className="muted small">
              {k.unit}, {k.direction === 'LOWER_IS_BETTER' ? 'lower is better' : 'higher is better'};{' '}
              {k.computation ? `computed daily from the thread (${k.computation.kind.toLowerCase().replaceAll('_', ' ')})` : 'measured by hand'}; latest{' '}
              {latest ? `${number(latest.value, 2)} ${k.unit}` : 'none yet'}.
            </p>
            <SeriesChart
              title={`${k.name} (${k.unit}): measurements against baseline ${number(k.baseline, 2)} and target ${k.target === null ? 'none' : number(k.target, 2)}.`}
              points={k.measurements.map((m) => ({ t: Date.parse(m.measuredAt), value: m.value }))}
              x={{ key: 't', kind: 'time' }}
              unit={k.unit}
              lines={[{ key: 'value', name: 'Actual', color: '#0f6cbd' }]}
              height={200}
              references={[
                { axis: 'y', value: k.baseline, label: 'baseline', color: '#5b6675' },
                ...(k.target === null ? [] : [{ axis: 'y' as const, value: k.target, label: 'target', color: '#16794c' }]),
              ]}
              empty="No measurements yet."
            />
          </article>
        );
      })}
    </div>
  );
}
