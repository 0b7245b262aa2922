// One insight as an operator reads it: what was raised, by which model version (or fallback rule),
// and why, in the signal's own units against its normal value (or, for a camera frame, a heat map
// over the frame); acknowledged by whom, or a button
// for people who may acknowledge it.
import { ActionForm } from '../components/action-form';
import { dateTime, number } from '../../lib/format';
import { acknowledge } from './actions';
import type { InsightView } from './view';
import { FrameWithHeatMap } from './frame-view';

export function InsightCard({ insight: i, assetCode, mayAcknowledge }: { insight: InsightView; assetCode?: string; mayAcknowledge: boolean }) {
  return (
    <article className="insight" data-testid="insight">
      <p>
        <span className={`sev sev-${i.severity.toLowerCase()}`}>{i.severity}</span> <strong>{i.title}</strong>
        {assetCode ? (
          <>
            {' '}
            on <a href={`/assets?asset=${i.assetId}`}>{assetCode}</a>
          </>
        ) : null}
      </p>
      <p className="muted small">
        Raised {dateTime(i.raisedAt)} by{' '}
        {i.fromFallback
          ? 'the fallback rules (the model was not running)'
          : i.modelVersion
            ? `${i.modelVersion.model.name} v${i.modelVersion.version}`
            : 'a rule'}
        {i.resolvedAt ? `; cleared ${dateTime(i.resolvedAt)}` : '; open'}
        {i.acknowledgedAt ? `; acknowledged by ${i.acknowledgedBy?.name ?? 'someone'} ${dateTime(i.acknowledgedAt)}` : ''}.
      </p>
      {i.explanation.length > 0 ? (
        <table className="explanation">
          <caption className="muted small">Why: each feature of the evidence window against its normal value, and how much it moved the score.</caption>
          <thead>
            <tr>
              <th scope="col">Signal</th>
              <th scope="col">Feature</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col" className="num">
                Normal
              </th>
              <th scope="col" className="num">
                Effect on score
              </th>
            </tr>
          </thead>
          <tbody>
            {i.explanation.map((e) => (
              <tr key={e.feature}>
                <td>{e.signal}</td>
                <td>{e.aggregate}</td>
                <td className="num">
                  {number(e.value, 3)} {e.unit ?? ''}
                </td>
                <td className="num">
                  {number(e.reference, 3)} {e.unit ?? ''}
                </td>
                <td className="num">
                  {e.contribution >= 0 ? '+' : ''}
                  {number(e.contribution, 5)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {i.heatMap ? (
        <FrameWithHeatMap
          heatMap={i.heatMap}
          caption="Why: the frame, redder where hiding a patch lowered the defect score more; the outlined patch lowered it most."
        />
      ) : null}
      {!i.acknowledgedAt && mayAcknowledge ? (
        <ActionForm
          action={acknowledge}
          hidden={{ insightId: i.id }}
          buttons={[{ value: 'acknowledge', label: 'Acknowledge', ariaLabel: `Acknowledge: ${i.title}` }]}
        />
      ) : null}
    </article>
  );
}
