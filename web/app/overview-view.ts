// What the overview reads, in one GraphQL request (also driven by bench/api.ts), and its shape.
import { LIVE_FIELDS, type LiveData } from '../lib/live';

export interface Portfolio {
  roi: number | null;
  npv: number;
  paybackMonth: string | null;
  cumulativeBenefit: number;
  cumulativeCost: number;
}
export interface Overview extends LiveData {
  projected: Portfolio;
  realised: Portfolio & {
    months: { month: string; cumulativeBenefit: number; cumulativeCost: number }[];
    useCases: { useCase: { id: string }; roi: number | null; paybackMonth: number | null }[];
  };
  useCases: {
    nodes: {
      id: string;
      name: string;
      status: string;
      kickoffAt: string | null;
      ttvDays: number | null;
      insightTimings: {
        insights: number;
        mtti: { meanSeconds: number | null; p50Seconds: number | null; p95Seconds: number | null };
        mtta: { meanSeconds: number | null; unacknowledged: number };
      };
      waves: { id: string; name: string; phase: string; status: string; plannedEndAt: string }[];
    }[];
  };
  insights: { nodes: { id: string; title: string; severity: string; raisedAt: string; asset: { code: string }; useCase: { name: string } | null }[] };
}

export const OVERVIEW_QUERY = `{
  projected: portfolioRoi(basis: PROJECTED) { roi npv paybackMonth cumulativeBenefit cumulativeCost }
  realised: portfolioRoi(basis: REALISED) { roi npv paybackMonth cumulativeBenefit cumulativeCost
    months { month cumulativeBenefit cumulativeCost } useCases { useCase { id } roi paybackMonth } }
  useCases(first: 100) { nodes { id name status kickoffAt ttvDays
    insightTimings { insights mtti { meanSeconds p50Seconds p95Seconds } mtta { meanSeconds unacknowledged } }
    waves { id name phase status plannedEndAt } } }
  insights(first: 6, order: DESC) { nodes { id title severity raisedAt asset { code } useCase { name } } }
  ${LIVE_FIELDS}
}`;
