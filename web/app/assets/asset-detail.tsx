// The selected asset: what it is, its latest readings, a chart per signal from the rollups (average
// with the min-max band, its shifts shaded) over the chosen range, its shifts, its calculated
// signals, its OPC UA alarm conditions, its insights with explanations, its recent camera frames
// (inspection stations), and its incidents.
import { SeriesChart } from '../components/series-chart';
import { Help } from '../components/metric';
import { IncidentTable } from '../components/incident-table';
import { dateTime, number } from '../../lib/format';
import { InsightCard } from './insight-card';
import { RecentFrames } from './frame-view';
import { AlarmList } from './alarm-list';
import { CalculatedSignals } from './calculated-signals';
import { ShiftTable, shiftSpans } from './shift-table';
import { RANGES, type AssetsPageView, type AssetDetail as Asset, type RangeKey } from './view';

export function AssetDetail({
  asset,
  data,
  range,
  mayAcknowledge,
  mayEditPlant,
}: {
  asset: Asset;
  data: AssetsPageView;
  range: RangeKey;
  mayAcknowledge: boolean;
  mayEditPlant: boolean;
}) {
  const spans = shiftSpans(data.shifts ?? []);
  const latest = new Map((data.latestValues ?? []).map((v) => [v.signalId, v]));
  const insights = data.insights?.nodes ?? [];
  const incidents = data.incidents?.nodes ?? [];
  return (
    <div className="asset" data-testid="asset-detail">
      <h2>
        {asset.code}: {asset.name}
      </h2>
      <p className="muted small">
        {asset.assetType.name} on {asset.line.name}, {asset.line.site.name}; criticality {asset.criticality}
        {asset.manufacturer ? `; ${asset.manufacturer}${asset.modelNumber ? ` ${asset.modelNumber}` : ''}` : ''}
        {asset.tags.length > 0 ? (
          <>
            {' '}
            {asset.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </>
        ) : null}
      </p>
      <table data-testid="latest-values">
        <caption className="muted small">Latest readings</caption>
        <thead>
          <tr>
            <th scope="col">Signal</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Quality</th>
            <th scope="col">At</th>
          </tr>
        </thead>
        <tbody>
          {asset.signals.map((s) => {
            const v = latest.get(s.id);
            return (
              <tr key={s.id} data-signal={s.name}>
                <th scope="row">{s.name}</th>
                <td className="num" data-testid="latest-value">
                  {v ? `${number(v.value, 3)} ${s.unit ?? ''}` : '—'}
                </td>
                <td>{v?.quality ?? '—'}</td>
                <td>{v ? dateTime(v.time) : 'no data yet'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="ranges" role="group" aria-label="Time range">
        {(Object.keys(RANGES) as RangeKey[]).map((key) => (
          <a key={key} href={`/assets?asset=${asset.id}&range=${key}`} aria-current={key === range ? 'true' : undefined}>
            {RANGES[key].label}
          </a>
        ))}
      </div>
      <div className="cards">
        {asset.signals.map((s) => (
          <article className="card" key={s.id}>
            <h3>
              {s.name}
              {s.unit ? <span className="muted small">({s.unit})</span> : null}
            </h3>
            <SeriesChart
              title={`${s.name}: average per ${RANGES[range].width === 'ONE_MINUTE' ? 'minute' : RANGES[range].width === 'ONE_HOUR' ? 'hour' : 'day'} with its min-max band, last ${RANGES[range].label}.`}
              points={s.series.map((b) => ({ t: Date.parse(b.bucket), average: b.average, min: b.min, max: b.max }))}
              x={{ key: 't', kind: 'time' }}
              unit={s.unit}
              lines={[{ key: 'average', name: 'Average', color: '#0f6cbd' }]}
              band={{ low: 'min', high: 'max', name: 'Min-max', color: '#9fb6d3' }}
              height={180}
              spans={spans}
              empty={`No readings in the last ${RANGES[range].label}.`}
            />
          </article>
        ))}
      </div>
      {data.shifts ? (
        <>
          <h3>Shifts</h3>
          <ShiftTable shifts={data.shifts} />
        </>
      ) : null}
      <h3>Calculated signals</h3>
      <CalculatedSignals asset={asset} mayEdit={mayEditPlant} />
      <h3>Alarms</h3>
      <AlarmList alarms={data.alarms ?? []} mayAcknowledge={mayAcknowledge} />
      <h3>
        Insights <Help metric="mtti" label="time to insight" />
      </h3>
      {insights.length === 0 ? (
        <p className="muted">No insights on this asset yet.</p>
      ) : (
        insights.map((i) => <InsightCard key={i.id} insight={i} mayAcknowledge={mayAcknowledge} />)
      )}
      {(data.frames ?? []).length > 0 ? (
        <>
          <h3>Camera frames</h3>
          <RecentFrames frames={data.frames ?? []} testId="recent-frames" />
          <h3>Flagged parts</h3>
          {(data.flagged ?? []).length === 0 ? (
            <p className="muted">No part from this station has raised an insight.</p>
          ) : (
            <RecentFrames frames={data.flagged ?? []} testId="flagged-frames" />
          )}
        </>
      ) : null}
      <h3>
        Incidents <Help metric="mttr" label="downtime" />
      </h3>
      <IncidentTable incidents={incidents} />
    </div>
  );
}
