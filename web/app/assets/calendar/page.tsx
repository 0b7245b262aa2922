// Shift calendars: per site, its time zone, shifts, holidays and planned stops, which planned
// production time (and with it availability, uptime and OEE) is measured against, and the last
// week's shift report. Engineers edit them; stops can be imported from CSV.
import { loadPage } from '../../../lib/page-data';
import { isUuid } from '../../../lib/ids';
import { dateTime } from '../../../lib/format';
import { ActionForm } from '../../components/action-form';
import { FieldsForm } from '../../components/fields-form';
import { ShiftTable } from '../shift-table';
import type { ShiftView } from '../view';
import { addPlannedStop, importPlannedStops, removeEntry, saveHoliday, saveShift } from './actions';

export const dynamic = 'force-dynamic';

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const REPORT_DAYS = 7;
const STOP_DAYS = 90;

interface SiteCalendar {
  id: string;
  code: string;
  name: string;
  timezone: string;
  shifts: { id: string; name: string; startsAt: string; endsAt: string; weekdays: number[] }[];
  holidays: { id: string; day: string; name: string }[];
  plannedStops: { id: string; lineId: string | null; assetId: string | null; startsAt: string; endsAt: string; reason: string }[];
  shiftReport: ShiftView[];
}

interface CalendarView {
  viewer: { permissions: string[] };
  sites: { nodes: { id: string; code: string; name: string }[] };
  chosen?: SiteCalendar | null;
  first?: { nodes: SiteCalendar[] };
}

const CALENDAR = `id code name timezone shifts { id name startsAt endsAt weekdays } holidays { id day name }
  plannedStops(from: $from, to: $until) { id lineId assetId startsAt endsAt reason }
  shiftReport(from: $from, to: $to) { day shift startsAt endsAt plannedHours downtimeHours availabilityPct }`;

/** One request: the sites for the navigation, and the chosen site's calendar (the first site's without a choice). */
const QUERY = `query($site: ID!, $chosen: Boolean!, $from: DateTimeISO!, $to: DateTimeISO!, $until: DateTimeISO!) {
  viewer { permissions }
  sites(first: 100) { nodes { id code name } }
  chosen: site(id: $site) @include(if: $chosen) { ${CALENDAR} }
  first: sites(first: 1) @skip(if: $chosen) { nodes { ${CALENDAR} } }
}`;

function RemoveForm({ kind, id, what }: { kind: string; id: string; what: string }) {
  return (
    <ActionForm action={removeEntry} hidden={{ kind, id }} buttons={[{ value: 'remove', label: 'Remove', ariaLabel: `Remove ${what}`, secondary: true }]} />
  );
}

export default async function CalendarPage({ searchParams }: { searchParams: Promise<{ site?: string }> }) {
  const params = await searchParams;
  const now = Date.now();
  const chosen = isUuid(params.site);
  const { data, error } = await loadPage<CalendarView>(QUERY, {
    site: chosen ? params.site : '00000000-0000-0000-0000-000000000000',
    chosen,
    from: new Date(now - REPORT_DAYS * 86_400_000).toISOString(),
    to: new Date(now).toISOString(),
    until: new Date(now + STOP_DAYS * 86_400_000).toISOString(),
  });
  const site = data?.chosen ?? data?.first?.nodes[0];
  if (!data || !site)
    return (
      <>
        <h1>Shift calendars</h1>
        <p className="error" role="alert">
          {error ?? 'No site to show.'}
        </p>
      </>
    );
  const mayEdit = data.viewer.permissions.includes('plant:write');
  return (
    <>
      <h1>Shift calendars</h1>
      <p className="lede">
        Planned production time per site: its shifts (plant-local time, {site.timezone}), holidays and planned stops. Availability, uptime, downtime and OEE are
        measured against it; a site without shifts plans every hour.
      </p>
      <nav className="ranges" aria-label="Sites">
        {data.sites.nodes.map((s) => (
          <a key={s.id} href={`/assets/calendar?site=${s.id}`} aria-current={s.id === site.id ? 'true' : undefined}>
            {s.code}: {s.name}
          </a>
        ))}
      </nav>
      <section className="panel">
        <h2>Shifts</h2>
        {site.shifts.length === 0 ? (
          <p className="muted">No shifts: every hour of every day that is not a holiday is planned.</p>
        ) : (
          <table data-testid="shifts">
            <thead>
              <tr>
                <th scope="col">Shift</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Starts on</th>
                {mayEdit ? <th scope="col">Change</th> : null}
              </tr>
            </thead>
            <tbody>
              {site.shifts.map((s) => (
                <tr key={s.id} data-shift={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>{s.startsAt}</td>
                  <td>
                    {s.endsAt}
                    {s.endsAt <= s.startsAt ? ' (next day)' : ''}
                  </td>
                  <td>{s.weekdays.map((d) => WEEKDAYS[d]).join(' ')}</td>
                  {mayEdit ? (
                    <td>
                      <RemoveForm kind="shift" id={s.id} what={`shift ${s.name}`} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {mayEdit ? (
          <FieldsForm
            action={saveShift}
            label="Add a shift"
            hidden={{ siteId: site.id }}
            fields={[
              { name: 'name', label: 'Name', required: true, maxLength: 60 },
              { name: 'startsAt', label: 'From', type: 'time', required: true },
              { name: 'endsAt', label: 'To', type: 'time', required: true },
              { name: 'weekdays', label: 'Starts on (1 Mon … 7 Sun)', defaultValue: '1,2,3,4,5', required: true },
            ]}
            submit="Add shift"
          />
        ) : null}
      </section>
      <section className="panel">
        <h2>Holidays</h2>
        {site.holidays.length === 0 ? (
          <p className="muted">No holidays.</p>
        ) : (
          <ul data-testid="holidays">
            {site.holidays.map((h) => (
              <li key={h.id}>
                {h.day}: {h.name}
                {mayEdit ? <RemoveForm kind="holiday" id={h.id} what={`holiday ${h.day}`} /> : null}
              </li>
            ))}
          </ul>
        )}
        {mayEdit ? (
          <FieldsForm
            action={saveHoliday}
            label="Add a holiday"
            hidden={{ siteId: site.id }}
            fields={[
              { name: 'day', label: 'Day', type: 'date', required: true },
              { name: 'name', label: 'Name', required: true, maxLength: 120 },
            ]}
            submit="Add holiday"
          />
        ) : null}
      </section>
      <section className="panel">
        <h2>Planned stops</h2>
        <p className="muted small">
          Over the last {REPORT_DAYS} and the next {STOP_DAYS} days, of the site, its lines or assets.
        </p>
        {site.plannedStops.length === 0 ? (
          <p className="muted">No planned stops.</p>
        ) : (
          <table data-testid="planned-stops">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Of</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                {mayEdit ? <th scope="col">Change</th> : null}
              </tr>
            </thead>
            <tbody>
              {site.plannedStops.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.reason}</th>
                  <td>{p.assetId ? 'an asset' : p.lineId ? 'a line' : 'the site'}</td>
                  <td>{dateTime(p.startsAt)}</td>
                  <td>{dateTime(p.endsAt)}</td>
                  {mayEdit ? (
                    <td>
                      <RemoveForm kind="stop" id={p.id} what={`planned stop ${p.reason}`} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {mayEdit ? (
          <>
            <FieldsForm
              action={addPlannedStop}
              label="Add a planned stop of the site"
              hidden={{ siteId: site.id }}
              fields={[
                { name: 'startsAt', label: `From (${site.timezone})`, type: 'datetime-local', required: true },
                { name: 'endsAt', label: 'To', type: 'datetime-local', required: true },
                { name: 'reason', label: 'Reason', required: true, maxLength: 200 },
              ]}
              submit="Add planned stop"
            />
            <FieldsForm
              action={importPlannedStops}
              label="Import planned stops"
              fields={[{ name: 'csv', label: 'CSV (site,line,asset,starts_at,ends_at,reason)', type: 'textarea', required: true }]}
              submit="Import stops"
            />
          </>
        ) : null}
      </section>
      <section className="panel">
        <h2>Last {REPORT_DAYS} days by shift</h2>
        <ShiftTable shifts={site.shiftReport} />
      </section>
    </>
  );
}
