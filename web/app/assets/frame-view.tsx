// Camera frames as operators see them: a frame with the heat map of a vision insight over it (the
// patches whose hiding lowered the defect score, redder where it dropped more, the strongest one
// outlined), and a station's frames (recent or flagged) with their scores, flagged ones marked.
import { dateTime, number } from '../../lib/format';
import type { FrameThumb, HeatMapView } from './view';

export function FrameWithHeatMap({ heatMap: h, caption }: { heatMap: HeatMapView; caption: string }) {
  // Cells are patches of the peak's size, placed on an even grid from the top left to the bottom right.
  const step = (size: number, count: number) => (count > 1 ? (1 - size) / (count - 1) : 0);
  const [dx, dy] = [step(h.peak.width, h.cols), step(h.peak.height, h.rows)];
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  return (
    <figure className="frame" data-testid="heat-map">
      <div className="frame-image">
        <img src={`/frames/${h.frameId}`} alt={`Frame from camera ${h.camera}`} />
        {h.cells.map((value, i) =>
          value >= 0.2 ? (
            <span
              key={i}
              className="heat"
              style={{
                left: pct((i % h.cols) * dx),
                top: pct(Math.floor(i / h.cols) * dy),
                width: pct(h.peak.width),
                height: pct(h.peak.height),
                opacity: 0.45 * value,
              }}
            />
          ) : null,
        )}
        <span
          className="heat-peak"
          data-testid="heat-peak"
          style={{ left: pct(h.peak.x), top: pct(h.peak.y), width: pct(h.peak.width), height: pct(h.peak.height) }}
        />
      </div>
      <figcaption className="muted small">{caption}</figcaption>
    </figure>
  );
}

export function RecentFrames({ frames, testId }: { frames: FrameThumb[]; testId: string }) {
  if (frames.length === 0) return <p className="muted">No camera frames from this asset yet.</p>;
  return (
    <div className="frames" data-testid={testId}>
      {frames.map((f) => (
        <figure key={f.id} className={f.insightId ? 'frame-thumb flagged' : 'frame-thumb'} data-flagged={f.insightId ? 'true' : 'false'}>
          <img src={`/frames/${f.id}`} alt={`Frame from camera ${f.camera} at ${dateTime(f.ts)}`} loading="lazy" />
          <figcaption className="small">
            {dateTime(f.ts)}
            <br />
            {f.score === null ? 'not scored' : `defect score ${number(f.score, 2)}`}
            {f.insightId ? ' · flagged' : ''}
            {f.label ? ` · QA ${f.label.toLowerCase()}` : ''}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
