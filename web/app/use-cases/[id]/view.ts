// What the use-case page reads, in one GraphQL request, and its shape.
import { LIVE_FIELDS, type LiveData } from '../../../lib/live';
export interface RoiView {
  roi: number | null;
  npv: number;
  paybackMonth: number | null;
  cumulativeBenefit: number;
  cumulativeCost: number;
  monthlyBenefit: number;
  months: { month: number; cumulativeBenefit: number; cumulativeCost: number }[];
  kpis: { kpiId: string; name: string; improvement: number | null; benefitPerMonth: number; note: string | null }[];
  costs: { costItemId: string; name: string; total: number }[];
}
export interface KpiView {
  id: string;
  name: string;
  unit: string;
  direction: string;
  kind: string;
  baseline: number;
  target: number | null;
  valuePerUnit: number;
  windowDays: number;
  computation: { kind: string } | null;
  measurements: { measuredAt: string; value: number; source: string }[];
}
export interface WaveView {
  id: string;
  name: string;
  phase: string;
  status: string;
  plannedStartAt: string;
  plannedEndAt: string;
  startedAt: string | null;
  endedAt: string | null;
  maxAssets: number | null;
  maxLines: number | null;
  maxSites: number | null;
  coverage: { assets: number; lines: number; sites: number };
  gates: {
    id: string;
    kpi: { name: string; unit: string };
    threshold: number;
    windowDays: number;
    lastValue: number | null;
    passing: boolean | null;
    lastEvaluatedAt: string | null;
  }[];
  decisions: { id: string; decidedAt: string; outcome: string; rationale: string; decidedBy: { name: string } }[];
}
export interface PendingAdvance {
  id: string;
  subjectId: string;
  comment: string | null;
  createdAt: string;
  requestedById: string;
  requestedBy: { name: string };
}
export interface UseCasePageView extends LiveData {
  viewer: { id: string; permissions: string[] };
  useCase: {
    id: string;
    name: string;
    description: string | null;
    status: string;
    kickoffAt: string | null;
    ttvDays: number | null;
    firstValueAt: string | null;
    owner: { name: string } | null;
    insightTimings: { insights: number; mtti: { p50Seconds: number | null; p95Seconds: number | null } };
    kpis: KpiView[];
    waves: WaveView[];
    projected: RoiView | null;
    realised: RoiView | null;
  };
  approvals: { nodes: PendingAdvance[] };
}

const ROI = `roi npv paybackMonth cumulativeBenefit cumulativeCost monthlyBenefit months { month cumulativeBenefit cumulativeCost }
  kpis { kpiId name improvement benefitPerMonth note } costs { costItemId name total }`;

export const USE_CASE_QUERY = `query($id: ID!) {
  viewer { id permissions }
  useCase(id: $id) { id name description status kickoffAt ttvDays firstValueAt owner { name }
    insightTimings { insights mtti { p50Seconds p95Seconds } }
    kpis { id name unit direction kind baseline target valuePerUnit windowDays computation measurements { measuredAt value source } }
    projected: roi(basis: PROJECTED) { ${ROI} }
    realised: roi(basis: REALISED) { ${ROI} }
    waves { id name phase status plannedStartAt plannedEndAt startedAt endedAt maxAssets maxLines maxSites coverage { assets lines sites }
      gates { id kpi { name unit } threshold windowDays lastValue passing lastEvaluatedAt }
      decisions { id decidedAt outcome rationale decidedBy { name } } } }
  approvals(first: 50, filter: { subjectType: GATE_DECISION, status: PENDING }) { nodes { id subjectId comment createdAt requestedById requestedBy { name } } }
  ${LIVE_FIELDS}
}`;
