// A figure with its label and its definition one click away (a native disclosure, keyboard and
// screen-reader friendly).
import type { ReactNode } from 'react';
import { DEFINITIONS, type Metric as MetricName } from '../../lib/definitions';

export function Help({ metric, label }: { metric: MetricName; label: string }) {
  return (
    <details className="help">
      <summary aria-label={`Definition of ${label}`}>?</summary>
      <p>{DEFINITIONS[metric]}</p>
    </details>
  );
}

export function Metric({ label, metric, value, detail, testId }: { label: string; metric: MetricName; value: ReactNode; detail?: ReactNode; testId?: string }) {
  return (
    <div className="metric" data-testid={testId}>
      <div className="metric-label">
        {label} <Help metric={metric} label={label} />
      </div>
      <div className="metric-value">{value}</div>
      {detail ? <div className="muted small">{detail}</div> : null}
    </div>
  );
}
