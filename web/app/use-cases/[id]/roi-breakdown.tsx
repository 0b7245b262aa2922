// ROI projected beside realised: each KPI's improvement and benefit per month, each cost item's
// total, and both cumulative curves month by month from kickoff.
import { Help } from '../../components/metric';
import { SeriesChart } from '../../components/series-chart';
import { money, number, ratio } from '../../../lib/format';
import type { RoiView } from './view';

export function RoiBreakdown({ projected, realised }: { projected: RoiView; realised: RoiView }) {
  const realisedKpi = new Map(realised.kpis.map((k) => [k.kpiId, k]));
  const realisedCost = new Map(realised.costs.map((c) => [c.costItemId, c]));
  const points = projected.months.map((p) => {
    const r = realised.months[p.month - 1];
    return {
      month: `M${p.month}`,
      projectedBenefit: p.cumulativeBenefit,
      projectedCost: p.cumulativeCost,
      realisedBenefit: r?.cumulativeBenefit ?? null,
      realisedCost: r?.cumulativeCost ?? null,
    };
  });
  return (
    <>
      <table data-testid="roi-breakdown">
        <caption className="muted small">
          Projected over {projected.months.length} months from kickoff; realised from kickoff to now ({realised.months.length} months).
        </caption>
        <thead>
          <tr>
            <th scope="col">KPI or cost</th>
            <th scope="col" className="num">
              Projected improvement
            </th>
            <th scope="col" className="num">
              Projected benefit / month
            </th>
            <th scope="col" className="num">
              Realised improvement
            </th>
            <th scope="col" className="num">
              Realised benefit / month <Help metric="benefit" label="benefit" />
            </th>
          </tr>
        </thead>
        <tbody>
          {projected.kpis.map((k) => {
            const r = realisedKpi.get(k.kpiId);
            return (
              <tr key={k.kpiId}>
                <th scope="row">{k.name}</th>
                <td className="num">{number(k.improvement, 2)}</td>
                <td className="num">{money(k.benefitPerMonth)}</td>
                <td className="num">{number(r?.improvement ?? null, 2)}</td>
                <td className="num">
                  {money(r?.benefitPerMonth ?? 0)}
                  {r?.note ? <span className="muted small"> ({r.note})</span> : null}
                </td>
              </tr>
            );
          })}
          {projected.costs.map((c) => (
            <tr key={c.costItemId}>
              <th scope="row">
                {c.name} <span className="muted small">(cost)</span>
              </th>
              <td className="num" colSpan={2}>
                {money(c.total)}
              </td>
              <td className="num" colSpan={2}>
                {money(realisedCost.get(c.costItemId)?.total ?? 0)}
              </td>
            </tr>
          ))}
          <tr className="total">
            <th scope="row">
              ROI <Help metric="roi" label="ROI" />
            </th>
            <td className="num" colSpan={2} data-testid="use-case-projected-roi">
              {ratio(projected.roi)}
            </td>
            <td className="num" colSpan={2} data-testid="use-case-realised-roi">
              {ratio(realised.roi)}
            </td>
          </tr>
        </tbody>
      </table>
      <SeriesChart
        title="Cumulative benefit and cost by month from kickoff: projected (dashed) beside realised."
        points={points}
        x={{ key: 'month', kind: 'category' }}
        format="money"
        lines={[
          { key: 'projectedBenefit', name: 'Projected benefit', color: '#16794c', dashed: true },
          { key: 'projectedCost', name: 'Projected cost', color: '#b42318', dashed: true },
          { key: 'realisedBenefit', name: 'Realised benefit', color: '#16794c' },
          { key: 'realisedCost', name: 'Realised cost', color: '#b42318' },
        ]}
        references={[
          ...(projected.paybackMonth ? [{ axis: 'x' as const, value: `M${projected.paybackMonth}`, label: 'projected payback', color: '#5b6675' }] : []),
          ...(realised.paybackMonth ? [{ axis: 'x' as const, value: `M${realised.paybackMonth}`, label: 'payback', color: '#0f6cbd' }] : []),
        ]}
        empty="No months yet."
      />
    </>
  );
}
