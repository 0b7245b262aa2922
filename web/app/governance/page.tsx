// Governance: the audit trail's chain status (recomputed on every view, naming the first broken
// link), the trail itself newest first with filters, and its CSV export.
import { Help } from '../components/metric';
import { LiveRefresh } from '../components/live-refresh';
import { loadPage } from '../../lib/page-data';
import { POLL_SECONDS } from '../../lib/config';
import { fingerprintOf, LIVE_FIELDS, type LiveData } from '../../lib/live';

export const dynamic = 'force-dynamic';

interface Governance extends LiveData {
  verifyAuditChain: {
    ok: boolean;
    eventsChecked: number;
    headSeq: string;
    checkpointsChecked: number;
    latestCheckpointSeq: string | null;
    verifiedAt: string;
    firstBroken: { seq: string; eventId: string | null; reason: string; detail: string } | null;
  };
  auditEvents: {
    totalCount: number;
    nodes: { id: string; seq: string; type: string; actorLabel: string; subjectType: string; subjectId: string | null; occurredAt: string }[];
  };
}

const QUERY = `query($filter: AuditEventFilter) {
  verifyAuditChain { ok eventsChecked headSeq checkpointsChecked latestCheckpointSeq verifiedAt firstBroken { seq eventId reason detail } }
  auditEvents(first: 100, order: DESC, filter: $filter) { totalCount nodes { id seq type actorLabel subjectType subjectId occurredAt } }
  ${LIVE_FIELDS}
}`;

const FILTERS = ['type', 'subjectType', 'from', 'to'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export default async function GovernancePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  // Dates are whole days (YYYY-MM-DD; anything else is ignored and said so): `to` includes its day.
  const day = (value: string, end: boolean) => new Date(Date.parse(`${value}T00:00:00Z`) + (end ? 86_400_000 : 0)).toISOString();
  const badDate = (['from', 'to'] as const).filter((k) => params[k] && !(DAY.test(params[k]!) && !Number.isNaN(Date.parse(params[k]!))));
  const filter = Object.fromEntries(
    FILTERS.flatMap((k) =>
      params[k] && !badDate.includes(k as 'from' | 'to') ? [[k, k === 'from' || k === 'to' ? day(params[k]!, k === 'to') : params[k]]] : [],
    ),
  );
  const query = new URLSearchParams(Object.entries(filter) as [string, string][]).toString();
  const { data, error } = await loadPage<Governance>(QUERY, { filter });
  return (
    <>
      <h1>Governance</h1>
      {data ? <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} /> : null}
      {badDate.length > 0 ? (
        <p className="error" role="alert">
          Ignored {badDate.join(' and ')}: dates are written YYYY-MM-DD.
        </p>
      ) : null}
      <p className="lede">Every change is an audit event, hash-chained and signed; the chain is recomputed each time this page loads.</p>
      {!data ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : (
        <>
          <section className={`panel chain ${data.verifyAuditChain.ok ? 'chain-ok' : 'chain-broken'}`} data-testid="chain-status" aria-live="polite">
            <h2>
              Audit chain <Help metric="audit" label="the audit chain" />
            </h2>
            {data.verifyAuditChain.ok ? (
              <p>
                <strong>Intact.</strong> {data.verifyAuditChain.eventsChecked.toLocaleString('en-GB')} events up to #{data.verifyAuditChain.headSeq} verified
                against {data.verifyAuditChain.checkpointsChecked} signed checkpoints.
              </p>
            ) : (
              <p role="alert">
                <strong>Broken at event #{data.verifyAuditChain.firstBroken!.seq}</strong> ({data.verifyAuditChain.firstBroken!.reason}):{' '}
                {data.verifyAuditChain.firstBroken!.detail}
              </p>
            )}
            <p className="muted small">Verified {new Date(data.verifyAuditChain.verifiedAt).toLocaleString('en-GB')}.</p>
          </section>
          <section className="panel">
            <h2>Audit trail</h2>
            <form className="filters" method="get">
              <label>
                Event type <input name="type" defaultValue={params.type ?? ''} placeholder="e.g. approval.updated" />
              </label>
              <label>
                Subject <input name="subjectType" defaultValue={params.subjectType ?? ''} placeholder="e.g. model" />
              </label>
              <label>
                From <input type="date" name="from" defaultValue={params.from ?? ''} />
              </label>
              <label>
                To <input type="date" name="to" defaultValue={params.to ?? ''} />
              </label>
              <button type="submit">Filter</button>
              <a className="button-link" href={`/governance/audit.csv${query ? `?${query}` : ''}`} download>
                Export CSV
              </a>
            </form>
            <p className="muted small">{data.auditEvents.totalCount.toLocaleString('en-GB')} events match; the latest 100 are shown.</p>
            {data.auditEvents.nodes.length === 0 ? (
              <p className="muted">No events match these filters.</p>
            ) : (
              <table data-testid="audit-trail">
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      #
                    </th>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Who</th>
                    <th scope="col">Subject</th>
                  </tr>
                </thead>
                <tbody>
                  {data.auditEvents.nodes.map((e) => (
                    <tr key={e.id} className={data.verifyAuditChain.firstBroken?.seq === e.seq ? 'broken' : undefined}>
                      <td className="num">{e.seq}</td>
                      <td>{new Date(e.occurredAt).toLocaleString('en-GB')}</td>
                      <td>{e.type}</td>
                      <td>{e.actorLabel}</td>
                      <td>
                        {e.subjectType}
                        {e.subjectId ? <span className="muted small"> {e.subjectId.slice(0, 8)}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </>
  );
}
