// The metrics' definitions as DESIGN §2 states them, shown as help text beside every figure.
export const DEFINITIONS = {
  roi: "ROI(t) = (cumulative benefit − cumulative cost) / cumulative cost, from the use case's kickoff. Projected takes each KPI's target as its actual; realised takes the average of its measurements over its window.",
  benefit:
    'Benefit per month = Σ over KPIs of improvement × value per unit. Improvement = baseline − actual when lower is better, actual − baseline when higher is better, over a window (default 30 days, average of measurements).',
  payback: 'Payback = the first month where cumulative benefit ≥ cumulative cost.',
  npv: "NPV at annual rate r = Σ_m (benefit_m − cost_m) / (1 + r/12)^m. The portfolio's NPV is the sum of the use cases' NPVs.",
  mtti: 'Time to insight of one insight = raisedAt − receivedAt of the earliest telemetry point in its evidence window. MTTI = mean over insights (also p50 and p95) per use case and period.',
  mtta: 'MTTA = mean of acknowledgedAt − raisedAt over the acknowledged insights, reported apart from MTTI.',
  ttv: 'TTV = firstValueAt − kickoffAt, where firstValueAt is the first day on which the 7-day average of every gated KPI meets its target (or realised benefit > 0 for 7 days when no target).',
  waves:
    'Wave policy: Pilot & Prove ≤ 5 assets and 3-6 months; Anchor 1-2 lines or sites, 6-12 months; Enterprise multi-site, 12-24 months. A wave advances only when its gates pass (evaluated from measurements) and an approver signs.',
  audit:
    'Audit chain: hashₙ = SHA-256(hashₙ₋₁ ‖ canonical JSON of eventₙ), genesis all zeros; the table refuses UPDATE and DELETE; verification recomputes every hash and names the first broken link.',
  kpi: "Each point is one measurement: entered by hand, or computed per UTC day from the thread (incidents, telemetry rollups, inspection events, a detector's confusion matrix) by the value-recompute job. Baseline = the value before the use case; target = what it commits to. ROI takes the average over the KPI's window.",
  gate: "A gate passes when the KPI's average over the gate's window (days) meets its threshold: at most the threshold when lower is better, at least it when higher is better. Evaluated from measurements every hour and when an advance is requested.",
  drift:
    "Per feature: PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) over the 10 reference bins of the training data (≥ 0.2 drifting), KS statistic and p-value, CUSUM alarms. The share of drifting features above the policy's limit triggers retraining.",
  mttr: 'Downtime of an incident = endedAt − startedAt (minutes); open incidents count until now.',
  priority:
    'Prioritisation score (0-100): 40 % projected ROI as roi / (1 + roi), 25 % data readiness, 20 % stakeholder alignment, 15 % risk (low 1, medium 0.5, high 0).',
} as const;

export type Metric = keyof typeof DEFINITIONS;
