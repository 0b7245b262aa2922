// One use case end to end: its headline figures, each KPI's chart against baseline and target, the
// ROI projected beside realised, and the scaling waves with their gates and decisions.
import { notFound } from 'next/navigation';
import { LiveRefresh } from '../../components/live-refresh';
import { Metric } from '../../components/metric';
import { loadPage } from '../../../lib/page-data';
import { date, duration, money, number, ratio } from '../../../lib/format';
import { POLL_SECONDS } from '../../../lib/config';
import { fingerprintOf } from '../../../lib/live';
import { KpiPanels } from './kpi-panels';
import { RoiBreakdown } from './roi-breakdown';
import { WaveTimeline } from './wave-timeline';
import { USE_CASE_QUERY, type UseCasePageView } from './view';
import { isUuid } from '../../../lib/ids';

export const dynamic = 'force-dynamic';

export default async function UseCasePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { data, error } = await loadPage<UseCasePageView>(USE_CASE_QUERY, { id });
  if (!data)
    return (
      <>
        <h1>Use case</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const u = data.useCase;
  return (
    <>
      <p className="crumbs">
        <a href="/use-cases">Use cases</a> /
      </p>
      <h1>{u.name}</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} />
      <p className="lede">
        <span className="tag">{u.status}</span>
        {u.owner ? `Owned by ${u.owner.name}. ` : ''}
        {u.kickoffAt ? `Kicked off ${date(u.kickoffAt)}.` : 'Not kicked off yet.'} {u.description ?? ''}
      </p>
      <section className="metrics" aria-label="Headline figures">
        <Metric
          label="Realised ROI"
          metric="roi"
          value={ratio(u.realised?.roi ?? null)}
          detail={u.realised ? `${money(u.realised.cumulativeBenefit)} benefit for ${money(u.realised.cumulativeCost)} cost` : 'no kickoff yet'}
        />
        <Metric
          label="Projected ROI"
          metric="roi"
          value={ratio(u.projected?.roi ?? null)}
          detail={u.projected ? `payback in month ${u.projected.paybackMonth ?? 'never (36)'}` : 'no kickoff yet'}
        />
        <Metric
          label="Time to value"
          metric="ttv"
          value={u.ttvDays === null ? 'not yet' : `${number(u.ttvDays, 0)} days`}
          detail={u.firstValueAt ? `first value ${date(u.firstValueAt)}` : 'targets not met for 7 days yet'}
        />
        <Metric
          label="MTTI (p50)"
          metric="mtti"
          value={duration(u.insightTimings.mtti.p50Seconds)}
          detail={`${u.insightTimings.insights} insights in 30 days; p95 ${duration(u.insightTimings.mtti.p95Seconds)}`}
        />
      </section>
      <section className="panel">
        <h2>KPIs</h2>
        <KpiPanels kpis={u.kpis} />
      </section>
      <section className="panel">
        <h2>ROI breakdown</h2>
        {u.projected && u.realised ? (
          <RoiBreakdown projected={u.projected} realised={u.realised} />
        ) : (
          <p className="muted">ROI is counted from kickoff; this use case has none yet.</p>
        )}
      </section>
      <section className="panel">
        <h2>Scaling waves</h2>
        <WaveTimeline useCaseId={u.id} waves={u.waves} pending={data.approvals.nodes} viewer={data.viewer} />
      </section>
    </>
  );
}
