// The notification delivery log: what was sent where, its status and attempts, newest first; an
// administrator sends a FAILED delivery again.
import { ActionForm } from '../components/action-form';
import { dateTime } from '../../lib/format';
import { retryDelivery } from '../notifications/actions';

export interface DeliveryRow {
  id: string;
  title: string;
  eventKind: string;
  channelName: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

export const DELIVERY_FIELDS = 'id title eventKind channelName status attempts responseStatus lastError createdAt';

const STATUS: Record<string, string> = { DELIVERED: 'pass', FAILED: 'fail', RETRYING: 'tag warn', PENDING: 'tag' };

export function DeliveryLog({ rows, mayRetry }: { rows: DeliveryRow[]; mayRetry: boolean }) {
  if (rows.length === 0) return <p className="muted">Nothing sent yet: administrators set up channels and rules on the Notifications page.</p>;
  return (
    <table>
      <caption className="muted small">The latest deliveries; a failed attempt is retried with backoff (2 s doubling, 6 attempts).</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Channel</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.id} data-testid="delivery">
            <td>{dateTime(d.createdAt)}</td>
            <td>
              {d.title} <span className="muted small">{d.eventKind}</span>
            </td>
            <td>{d.channelName}</td>
            <td>
              <span className={STATUS[d.status] ?? 'tag'}>{d.status}</span>
              {d.lastError ? <span className="muted small"> {d.lastError}</span> : null}
              {mayRetry && d.status === 'FAILED' ? (
                <ActionForm
                  action={retryDelivery}
                  hidden={{ id: d.id }}
                  buttons={[{ value: 'retry', label: 'Send again', ariaLabel: `Send ${d.title} again` }]}
                />
              ) : null}
            </td>
            <td className="num">
              {d.attempts}
              {d.responseStatus ? <span className="muted small"> (HTTP {d.responseStatus})</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
