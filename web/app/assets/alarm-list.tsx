// The asset's OPC UA alarm conditions as its server reports them: level, state and comment; an
// operator acknowledges an unacknowledged one with a comment, which goes to the server.
import { ActionForm } from '../components/action-form';
import { dateTime } from '../../lib/format';
import { acknowledgeAlarm } from './actions';
import type { AlarmView } from './view';

const stateOf = (a: AlarmView) =>
  [
    a.active ? 'active' : 'cleared',
    a.acked ? 'acknowledged' : a.acknowledgementRequestedAt ? 'acknowledgement sent' : 'unacknowledged',
    a.confirmed ? 'confirmed' : null,
  ]
    .filter(Boolean)
    .join(', ');

export function AlarmList({ alarms, mayAcknowledge }: { alarms: AlarmView[]; mayAcknowledge: boolean }) {
  if (alarms.length === 0) return <p className="muted">No OPC UA alarm conditions reported for this asset.</p>;
  return (
    <table data-testid="alarm-conditions">
      <thead>
        <tr>
          <th scope="col">Condition</th>
          <th scope="col">Level</th>
          <th scope="col">State</th>
          <th scope="col">Message</th>
          <th scope="col">Last change</th>
          <th scope="col">Comment</th>
        </tr>
      </thead>
      <tbody>
        {alarms.map((a) => (
          <tr key={a.id} data-alarm={a.name}>
            <th scope="row">{a.name}</th>
            <td>
              <span className={`sev sev-${a.level.toLowerCase()}`}>{a.level}</span> <span className="muted small">({a.severity})</span>
            </td>
            <td data-testid="alarm-state">{stateOf(a)}</td>
            <td>{a.message}</td>
            <td>{dateTime(a.lastEventAt)}</td>
            <td>
              {a.comment || '—'}
              {mayAcknowledge && !a.acked && !a.acknowledgementRequestedAt ? (
                <ActionForm
                  action={acknowledgeAlarm}
                  hidden={{ alarmId: a.id }}
                  note={{ name: 'comment', label: 'Comment', required: true }}
                  buttons={[{ value: 'acknowledge', label: 'Acknowledge', ariaLabel: `Acknowledge alarm ${a.name}` }]}
                />
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
