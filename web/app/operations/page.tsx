// Operations: the programme's rhythm and the plant's state for the people who run them: reviews
// due, missed and held; incidents, ongoing first; certifications by expiry; squads missing a role.
// One GraphQL request; live by polling.
import { LiveRefresh } from '../components/live-refresh';
import { Help } from '../components/metric';
import { IncidentTable, type IncidentRow } from '../components/incident-table';
import { loadPage } from '../../lib/page-data';
import { date, number } from '../../lib/format';
import { POLL_SECONDS } from '../../lib/config';
import { fingerprintOf, LIVE_FIELDS, type LiveData } from '../../lib/live';
import { DELIVERY_FIELDS, DeliveryLog, type DeliveryRow } from './delivery-log';

export const dynamic = 'force-dynamic';

interface ReviewRow {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
  heldAt: string | null;
  maturityLevel: number | null;
  findings: unknown[];
  useCase: { name: string } | null;
  squad: { name: string } | null;
  owner: { name: string } | null;
}
interface OperationsView extends LiveData {
  due: { nodes: ReviewRow[] };
  missed: { nodes: ReviewRow[] };
  held: { nodes: ReviewRow[] };
  incidents: { nodes: IncidentRow[] };
  certifications: {
    nodes: { id: string; subject: string; level: string; status: string; expiresAt: string; daysToExpiry: number; holder: { name: string } }[];
  };
  squads: { nodes: { id: string; name: string; missingRoles: string[]; useCase: { name: string } | null; members: { id: string }[] }[] };
  notificationDeliveries: { nodes: DeliveryRow[] };
  viewer: { permissions: string[] };
}

const REVIEW = 'id kind status dueAt heldAt maturityLevel findings useCase { name } squad { name } owner { name }';
const QUERY = `{
  due: reviews(first: 50, filter: { status: SCHEDULED }) { nodes { ${REVIEW} } }
  missed: reviews(first: 50, order: DESC, filter: { status: MISSED }) { nodes { ${REVIEW} } }
  held: reviews(first: 10, order: DESC, filter: { status: DONE }) { nodes { ${REVIEW} } }
  incidents(first: 30, order: DESC) { nodes { id title severity startedAt endedAt downtimeMinutes aiRelated asset { id code } } }
  certifications(first: 200) { nodes { id subject level status expiresAt daysToExpiry holder { name } } }
  squads(first: 100) { nodes { id name missingRoles useCase { name } members { id } } }
  notificationDeliveries(first: 30, order: DESC) { nodes { ${DELIVERY_FIELDS} } }
  viewer { permissions }
  ${LIVE_FIELDS}
}`;

const KIND: Record<string, string> = { MODEL_PERFORMANCE: 'Model performance', INFRA_HEALTH: 'Infrastructure health', MATURITY: 'Maturity assessment' };
const CERT: Record<string, string> = { VALID: 'pass', EXPIRING: 'tag warn', EXPIRED: 'fail' };

function Reviews({ rows, empty, caption }: { rows: ReviewRow[]; empty: string; caption: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table>
      <caption className="muted small">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Review</th>
          <th scope="col">For</th>
          <th scope="col">Owner</th>
          <th scope="col">Due</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="review">
            <td>
              {KIND[r.kind] ?? r.kind} <span className={r.status === 'MISSED' ? 'fail' : 'tag'}>{r.status}</span>
            </td>
            <td>{r.useCase?.name ?? r.squad?.name ?? 'the organisation'}</td>
            <td>{r.owner?.name ?? '—'}</td>
            <td>{date(r.dueAt)}</td>
            <td>
              {r.heldAt
                ? `held ${date(r.heldAt)}, ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}${r.maturityLevel !== null ? `, maturity ${number(r.maturityLevel, 1)} / 5` : ''}`
                : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function OperationsPage() {
  const { data, error } = await loadPage<OperationsView>(QUERY);
  if (!data)
    return (
      <>
        <h1>Operations</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const incidents = [...data.incidents.nodes].sort((a, b) => Number(a.endedAt !== null) - Number(b.endedAt !== null));
  const gaps = data.squads.nodes.filter((s) => s.missingRoles.length > 0);
  return (
    <>
      <h1>Operations</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} />
      <p className="lede">The review rhythm, the plant&apos;s incidents, people&apos;s certifications and the squads that run each use case.</p>
      <section className="panel" aria-label="Reviews">
        <h2>Reviews</h2>
        <Reviews rows={data.missed.nodes} empty="No missed reviews." caption="Missed: not held within a week of their due date." />
        <Reviews
          rows={data.due.nodes}
          empty="No reviews scheduled: the workers schedule them as use cases get models."
          caption="Due: model performance every two weeks, infrastructure every quarter, maturity every year."
        />
        <Reviews rows={data.held.nodes} empty="No reviews held yet." caption="Held most recently." />
      </section>
      <section className="panel" aria-label="Incidents">
        <h2>
          Incidents <Help metric="mttr" label="downtime" />
        </h2>
        <IncidentTable incidents={incidents} testId="incidents" />
      </section>
      <section className="panel" aria-label="Certifications">
        <h2>Certifications</h2>
        {data.certifications.nodes.length === 0 ? (
          <p className="muted">No certifications recorded.</p>
        ) : (
          <table>
            <caption className="muted small">Expiring within 30 days is flagged; soonest first.</caption>
            <thead>
              <tr>
                <th scope="col">Holder</th>
                <th scope="col">Subject</th>
                <th scope="col">Level</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.certifications.nodes.map((c) => (
                <tr key={c.id}>
                  <td>{c.holder.name}</td>
                  <td>{c.subject}</td>
                  <td>{c.level}</td>
                  <td>
                    {date(c.expiresAt)}{' '}
                    <span className="muted small">({c.daysToExpiry >= 0 ? `in ${c.daysToExpiry} days` : `${-c.daysToExpiry} days ago`})</span>
                  </td>
                  <td>
                    <span className={CERT[c.status] ?? 'tag'}>{c.status}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-label="Notifications sent">
        <h2>Notifications sent</h2>
        <DeliveryLog rows={data.notificationDeliveries.nodes} mayRetry={data.viewer.permissions.includes('access:admin')} />
      </section>
      <section className="panel" aria-label="Squads">
        <h2>Squads</h2>
        {data.squads.nodes.length === 0 ? (
          <p className="muted">No squads yet.</p>
        ) : (
          <ul className="insights">
            {data.squads.nodes.map((s) => (
              <li key={s.id}>
                <strong>{s.name}</strong>{' '}
                <span className="muted small">
                  {s.useCase ? `for ${s.useCase.name}, ` : ''}
                  {s.members.length} members
                </span>{' '}
                {s.missingRoles.length === 0 ? (
                  <span className="pass">every role filled</span>
                ) : (
                  <span className="fail">missing {s.missingRoles.map((r) => r.toLowerCase().replaceAll('_', ' ')).join(', ')}</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {gaps.length > 0 ? <p className="muted small">A cross-functional squad holds OT, IT, data science, operations, security and a domain expert.</p> : null}
      </section>
    </>
  );
}
