'use client';
// Cumulative benefit against cumulative cost by month (Recharts), with the payback month marked.
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface CumulativePoint { month: string; cumulativeBenefit: number; cumulativeCost: number }

const euros = (v: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', notation: 'compact', maximumFractionDigits: 1 }).format(v);

export function CumulativeChart({ points, payback, title }: { points: CumulativePoint[]; payback: string | null; title: string }) {
  if (points.length === 0) return <p className="muted">No months to chart yet: nothing has a kickoff.</p>;
  return (
    <figure className="chart" aria-label={title}>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#dfe3ea" strokeDasharray="3 3" />
          <XAxis dataKey="month" tick={{ fontSize: 12 }} />
          <YAxis tickFormatter={euros} tick={{ fontSize: 12 }} width={64} />
          <Tooltip formatter={(v) => euros(Number(v))} />
          <Legend />
          <Line type="monotone" dataKey="cumulativeBenefit" name="Cumulative benefit" stroke="#16794c" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="cumulativeCost" name="Cumulative cost" stroke="#b42318" dot={false} isAnimationActive={false} />
          {payback ? <ReferenceLine x={payback} stroke="#0f6cbd" label={{ value: 'payback', fontSize: 12, fill: '#0f6cbd' }} /> : null}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted small">{title}</figcaption>
    </figure>
  );
}
