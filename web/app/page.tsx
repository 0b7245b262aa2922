// The overview for business stakeholders: portfolio ROI projected beside realised with the months
// behind it, each use case's ROI, MTTI and TTV, the waves at a glance and the latest insights, all
// in one GraphQL request.
import { Help, Metric } from './components/metric';
import { SeriesChart } from './components/series-chart';
import { LiveRefresh } from './components/live-refresh';
import { BENEFIT_AND_COST } from '../lib/chart-lines';
import { loadPage } from '../lib/page-data';
import { date, duration, money, number, PHASE, ratio } from '../lib/format';
import { POLL_SECONDS } from '../lib/config';
import { fingerprintOf } from '../lib/live';
import { OVERVIEW_QUERY, type Overview } from './overview-view';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const { data, error } = await loadPage<Overview>(OVERVIEW_QUERY);
  if (!data)
    return (
      <>
        <h1>Overview</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const roiOf = new Map(data.realised.useCases.map((u) => [u.useCase.id, u]));
  return (
    <>
      <h1>Overview</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} />
      <p className="lede">What the AIoT programme has earned so far and what it is set to earn.</p>
      <section className="metrics" aria-label="Portfolio ROI">
        <Metric
          testId="realised-roi"
          label="Realised ROI"
          metric="roi"
          value={ratio(data.realised.roi)}
          detail={`${money(data.realised.cumulativeBenefit)} benefit for ${money(data.realised.cumulativeCost)} cost`}
        />
        <Metric testId="projected-roi" label="Projected ROI" metric="roi" value={ratio(data.projected.roi)} detail={`over 36 months from each kickoff`} />
        <Metric testId="realised-npv" label="Realised NPV" metric="npv" value={money(data.realised.npv)} detail={`projected ${money(data.projected.npv)}`} />
        <Metric
          testId="payback"
          label="Payback"
          metric="payback"
          value={data.realised.paybackMonth ?? 'not yet'}
          detail={`projected ${data.projected.paybackMonth ?? 'not within 36 months'}`}
        />
      </section>
      <section className="panel">
        <h2>
          Realised benefit and cost <Help metric="benefit" label="benefit" />
        </h2>
        <SeriesChart
          title="Cumulative realised benefit and cost of every use case, by calendar month."
          points={data.realised.months}
          x={{ key: 'month', kind: 'category' }}
          lines={BENEFIT_AND_COST}
          format="money"
          empty="No months to chart yet: nothing has a kickoff."
          references={data.realised.paybackMonth ? [{ axis: 'x', value: data.realised.paybackMonth, label: 'payback', color: '#0f6cbd' }] : []}
        />
      </section>
      <section className="panel">
        <h2>Use cases</h2>
        {data.useCases.nodes.length === 0 ? (
          <p className="muted">No use cases yet. An approver or admin creates them through the API.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Use case</th>
                <th scope="col" className="num">
                  Realised ROI <Help metric="roi" label="ROI" />
                </th>
                <th scope="col" className="num">
                  MTTI (p50 / p95) <Help metric="mtti" label="MTTI" />
                </th>
                <th scope="col" className="num">
                  MTTA <Help metric="mtta" label="MTTA" />
                </th>
                <th scope="col" className="num">
                  TTV <Help metric="ttv" label="TTV" />
                </th>
                <th scope="col">
                  Current wave <Help metric="waves" label="waves" />
                </th>
              </tr>
            </thead>
            <tbody>
              {data.useCases.nodes.map((u) => {
                const wave = u.waves.find((w) => w.status === 'ACTIVE' || w.status === 'GATE_REVIEW') ?? u.waves.find((w) => w.status === 'PLANNED');
                const t = u.insightTimings;
                return (
                  <tr key={u.id} data-testid="overview-use-case">
                    <th scope="row">
                      <a href={`/use-cases/${u.id}`}>{u.name}</a> <span className="tag">{u.status}</span>
                    </th>
                    <td className="num" data-testid="use-case-roi">
                      {u.kickoffAt ? ratio(roiOf.get(u.id)?.roi ?? null) : 'no kickoff'}
                    </td>
                    <td className="num">
                      {t.insights === 0
                        ? 'no insights (30 d)'
                        : `${duration(t.mtti.meanSeconds)} (${duration(t.mtti.p50Seconds)} / ${duration(t.mtti.p95Seconds)})`}
                    </td>
                    <td className="num">
                      {t.insights === 0 ? '—' : `${duration(t.mtta.meanSeconds)}${t.mtta.unacknowledged > 0 ? `, ${t.mtta.unacknowledged} open` : ''}`}
                    </td>
                    <td className="num">{u.ttvDays === null ? 'no value yet' : `${number(u.ttvDays, 0)} days`}</td>
                    <td>
                      {wave ? (
                        <>
                          {PHASE[wave.phase]} <span className="tag">{wave.status}</span> <span className="muted small">until {date(wave.plannedEndAt)}</span>
                        </>
                      ) : (
                        <span className="muted">no wave</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel">
        <h2>Latest insights</h2>
        {data.insights.nodes.length === 0 ? (
          <p className="muted">No insights yet: they appear as the models score live data.</p>
        ) : (
          <ul className="insights">
            {data.insights.nodes.map((i) => (
              <li key={i.id}>
                <span className={`sev sev-${i.severity.toLowerCase()}`}>{i.severity}</span> {i.title}{' '}
                <span className="muted small">
                  {i.asset.code}
                  {i.useCase ? `, ${i.useCase.name}` : ''}, {new Date(i.raisedAt).toLocaleString('en-GB')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
