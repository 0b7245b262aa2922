// Use cases: every use case with its KPIs (baseline, target) and scaling waves, read
// from the GraphQL API in one request.
import { loadPage } from '../../lib/page-data';
import { PHASE } from '../../lib/format';
import { POLL_SECONDS } from '../../lib/config';
import { fingerprintOf, LIVE_FIELDS, type LiveData } from '../../lib/live';
import { LiveRefresh } from '../components/live-refresh';

export const dynamic = 'force-dynamic';

interface UseCaseView {
  id: string;
  name: string;
  description: string | null;
  status: string;
  kickoffAt: string | null;
  kpis: { id: string; name: string; unit: string; direction: string; baseline: number; target: number | null }[];
  waves: { id: string; name: string; phase: string; status: string; plannedEndAt: string }[];
}

const QUERY = `{
  useCases(first: 100) {
    totalCount
    nodes {
      id name description status kickoffAt
      kpis { id name unit direction baseline target }
      waves { id name phase status plannedEndAt }
    }
  }
  ${LIVE_FIELDS}
}`;

export default async function UseCasesPage() {
  const { data, error } = await loadPage<LiveData & { useCases: { totalCount: number; nodes: UseCaseView[] } }>(QUERY);
  if (!data)
    return (
      <>
        <h1>Use cases</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const useCases = data.useCases.nodes;
  return (
    <>
      <h1>Use cases</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} />
      <p className="lede">{data.useCases.totalCount} use cases, each tied to the KPIs it must move and the waves that scale it.</p>
      {useCases.length === 0 ? <p className="muted">No use cases yet. An approver or admin can create one through the API.</p> : null}
      <section className="cards">
        {useCases.map((u) => (
          <article className="card" key={u.id} id={u.id} data-testid="use-case">
            <h2>
              <a href={`/use-cases/${u.id}`}>{u.name}</a>
            </h2>
            <span className="tag">{u.status}</span>
            {u.kickoffAt ? <span className="muted">kicked off {new Date(u.kickoffAt).toLocaleDateString('en-GB')}</span> : null}
            {u.description ? <p className="muted">{u.description}</p> : null}
            <table>
              <thead>
                <tr>
                  <th>KPI</th>
                  <th className="num">Baseline</th>
                  <th className="num">Target</th>
                </tr>
              </thead>
              <tbody>
                {u.kpis.map((k) => (
                  <tr key={k.id}>
                    <td>
                      {k.name}{' '}
                      <span className="muted">
                        ({k.unit}, {k.direction === 'LOWER_IS_BETTER' ? 'lower is better' : 'higher is better'})
                      </span>
                    </td>
                    <td className="num">{k.baseline.toLocaleString('en-GB')}</td>
                    <td className="num">{k.target === null ? '—' : k.target.toLocaleString('en-GB')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table>
              <thead>
                <tr>
                  <th>Wave</th>
                  <th>Phase</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {u.waves.map((w) => (
                  <tr key={w.id}>
                    <td>{w.name}</td>
                    <td>{PHASE[w.phase] ?? w.phase}</td>
                    <td>{w.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        ))}
      </section>
    </>
  );
}
