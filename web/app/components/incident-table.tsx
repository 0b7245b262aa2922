// Incidents as a table: title (AI-related marked, cause when known), asset when several assets are
// listed, severity, start, end or "ongoing" (highlighted) and downtime.
import { dateTime, number } from '../../lib/format';

export interface IncidentRow {
  id: string;
  title: string;
  severity: string;
  startedAt: string;
  endedAt: string | null;
  downtimeMinutes: number;
  aiRelated: boolean;
  cause?: string | null;
  asset?: { id: string; code: string };
}

export function IncidentTable({ incidents, testId }: { incidents: IncidentRow[]; testId?: string }) {
  if (incidents.length === 0) return <p className="muted">No incidents recorded.</p>;
  const withAsset = incidents.some((x) => x.asset);
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Incident</th>
          {withAsset ? <th scope="col">Asset</th> : null}
          <th scope="col">Severity</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
          <th scope="col" className="num">
            Downtime
          </th>
        </tr>
      </thead>
      <tbody>
        {incidents.map((x) => (
          <tr key={x.id} className={x.endedAt ? undefined : 'ongoing'}>
            <td>
              {x.title}
              {x.aiRelated ? <span className="tag">AI-related</span> : null}
              {x.cause ? <span className="muted small"> ({x.cause})</span> : null}
            </td>
            {withAsset ? <td>{x.asset ? <a href={`/assets?asset=${x.asset.id}`}>{x.asset.code}</a> : '—'}</td> : null}
            <td>{x.severity}</td>
            <td>{dateTime(x.startedAt)}</td>
            <td>{x.endedAt ? dateTime(x.endedAt) : 'ongoing'}</td>
            <td className="num">{number(x.downtimeMinutes, 0)} min</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
