// The asset's shifts over the chosen range: planned production time (less planned stops), the
// downtime within it and availability, from its site's calendar; and the shading they give charts.
import type { ChartSpan } from '../components/series-chart';
import { dateTime, number } from '../../lib/format';
import type { ShiftView } from './view';

const COLORS = ['#2f855a', '#b7791f', '#553c9a', '#2b6cb0'];

/** Each shift instance as a shaded span of the time charts, one colour per shift name. */
export function shiftSpans(shifts: readonly ShiftView[]): ChartSpan[] {
  const names = [...new Set(shifts.map((s) => s.shift ?? 'Day'))];
  return shifts.map((s) => ({
    from: Date.parse(s.startsAt),
    to: Date.parse(s.endsAt),
    label: s.shift ?? 'Day',
    color: COLORS[names.indexOf(s.shift ?? 'Day') % COLORS.length]!,
  }));
}

export function ShiftTable({ shifts }: { shifts: ShiftView[] }) {
  if (shifts.length === 0) return <p className="muted">No planned production time in this range.</p>;
  return (
    <table data-testid="shift-report">
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col">Shift</th>
          <th scope="col">From</th>
          <th scope="col">To</th>
          <th scope="col" className="num">
            Planned h
          </th>
          <th scope="col" className="num">
            Down h
          </th>
          <th scope="col" className="num">
            Availability
          </th>
        </tr>
      </thead>
      <tbody>
        {shifts.map((s) => (
          <tr key={`${s.day}${s.shift}`}>
            <td>{s.day}</td>
            <th scope="row">{s.shift ?? 'whole day (no shifts)'}</th>
            <td>{dateTime(s.startsAt)}</td>
            <td>{dateTime(s.endsAt)}</td>
            <td className="num">{number(s.plannedHours, 2)}</td>
            <td className="num">{number(s.downtimeHours, 2)}</td>
            <td className="num">{s.availabilityPct === null ? '—' : `${number(s.availabilityPct, 1)} %`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
