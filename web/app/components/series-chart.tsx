'use client';
// Every chart of the portal (Recharts): lines or bars over time or over named categories, an
// optional min-max band, shaded time spans (shifts, planned stops) and reference lines such as a KPI's baseline and target or the payback month. Props are
// plain data, so server components pass them as they read them from the API.
import { Area, Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartLine {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
}
export interface ChartReference {
  axis: 'x' | 'y';
  value: number | string;
  label: string;
  color: string;
}
/** A shaded span of a time chart (a shift, a planned stop), in epoch ms. */
export interface ChartSpan {
  from: number;
  to: number;
  label: string;
  color: string;
}
export type ChartPoint = Record<string, number | string | null>;

const FORMATS = {
  money: (v: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }).format(v),
  number: (v: number) => v.toLocaleString('en-GB', { maximumFractionDigits: 3, notation: Math.abs(v) >= 10_000 ? 'compact' : 'standard' }),
};
const timeTick = (span: number) => (t: number) =>
  new Date(t).toLocaleString('en-GB', span > 3 * 86_400_000 ? { day: 'numeric', month: 'short' } : { hour: '2-digit', minute: '2-digit' });

export function SeriesChart({
  title,
  points,
  x,
  lines = [],
  bars = [],
  band,
  references = [],
  spans = [],
  format = 'number',
  unit,
  empty,
  height = 240,
}: {
  title: string;
  points: ChartPoint[];
  x: { key: string; kind: 'time' | 'category' };
  lines?: ChartLine[];
  bars?: ChartLine[];
  band?: { low: string; high: string; name: string; color: string };
  references?: ChartReference[];
  spans?: ChartSpan[];
  format?: keyof typeof FORMATS;
  unit?: string | null;
  empty: string;
  height?: number;
}) {
  if (points.length === 0) return <p className="muted">{empty}</p>;
  const formatValue = FORMATS[format];
  const times = x.kind === 'time' ? points.map((p) => Number(p[x.key])) : [];
  const tick = timeTick(times.length > 1 ? Math.max(...times) - Math.min(...times) : 0);
  return (
    <figure className="chart" aria-label={title}>
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#dfe3ea" strokeDasharray="3 3" />
          {x.kind === 'time' ? (
            <XAxis dataKey={x.key} type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tick} tick={{ fontSize: 12 }} />
          ) : (
            <XAxis dataKey={x.key} tick={{ fontSize: 11 }} {...(bars.length > 0 ? { interval: 0, angle: -35, textAnchor: 'end', height: 90 } : {})} />
          )}
          <YAxis tickFormatter={formatValue} tick={{ fontSize: 12 }} width={64} domain={['auto', 'auto']} />
          <Tooltip
            labelFormatter={(label) => (x.kind === 'time' ? new Date(Number(label)).toLocaleString('en-GB') : String(label))}
            formatter={(v) => (Array.isArray(v) ? v.map((n) => formatValue(Number(n))).join(' – ') : `${formatValue(Number(v))}${unit ? ` ${unit}` : ''}`)}
          />
          <Legend />
          {spans
            .filter((s) => s.to > Math.min(...times) && s.from < Math.max(...times))
            .map((s) => (
              <ReferenceArea
                key={`${s.from}${s.label}`}
                x1={Math.max(s.from, Math.min(...times))}
                x2={Math.min(s.to, Math.max(...times))}
                fill={s.color}
                fillOpacity={0.12}
                ifOverflow="hidden"
                label={{ value: s.label, fontSize: 11, fill: '#4a5568', position: 'insideTop' }}
              />
            ))}
          {band ? (
            <Area
              dataKey={(p: ChartPoint) => [p[band.low], p[band.high]]}
              name={band.name}
              stroke="none"
              fill={band.color}
              fillOpacity={0.25}
              isAnimationActive={false}
            />
          ) : null}
          {bars.map((b) => (
            <Bar key={b.key} dataKey={b.key} name={b.name} fill={b.color} isAnimationActive={false} />
          ))}
          {lines.map((l) => (
            <Line
              key={l.key}
              type="linear"
              dataKey={l.key}
              name={l.name}
              stroke={l.color}
              strokeDasharray={l.dashed ? '5 4' : undefined}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
          {references.map((r) =>
            r.axis === 'x' ? (
              <ReferenceLine
                key={`x${r.label}`}
                x={r.value}
                stroke={r.color}
                label={{ value: r.label, fontSize: 12, fill: r.color, position: 'insideTopLeft' }}
              />
            ) : (
              <ReferenceLine
                key={`y${r.label}`}
                y={r.value}
                ifOverflow="extendDomain"
                stroke={r.color}
                strokeDasharray="4 3"
                label={{ value: r.label, fontSize: 12, fill: r.color, position: 'insideTopRight' }}
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="muted small">{title}</figcaption>
    </figure>
  );
}
