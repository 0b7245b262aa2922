// The figures of an organisation's started use cases for its portfolio, served from the stored ROI
// snapshots (one statement) where they are fresh: made from the use case's current value inputs
// (value_version, bumped by triggers on every change) and carrying their month-by-month series.
// Use cases without a fresh snapshot, and any horizon other than the default, are computed from
// their inputs as of now. REALISED snapshots are as of their computation (the value-recompute job
// makes them every VALUE_EVERY_MINUTES); `asOf` says the oldest served.
import type { RawSql } from '../sql.ts';
import type { PortfolioInput } from './portfolio.ts';
import { roiNow, type RoiBasis, type RoiFigures } from './roi.ts';
import { loadValueInputs } from './value-inputs.ts';

export type UseCaseFigures = PortfolioInput & Pick<RoiFigures, 'roi' | 'cumulativeBenefit' | 'cumulativeCost' | 'paybackMonth'>;

export interface PortfolioUseCaseFigures {
  useCaseId: string;
  figures: UseCaseFigures;
}

export interface StartedFigures {
  /** Started use cases (with a kickoff), by name. */
  useCases: PortfolioUseCaseFigures[];
  /** When the oldest figures served were computed (now when all were computed for this request). */
  asOf: Date;
}

interface SnapshotRow {
  use_case_id: string;
  fresh: boolean;
  computed_at: Date | null;
  roi: number | null;
  npv: number | null;
  cumulative_benefit: number | null;
  cumulative_cost: number | null;
  payback_month: number | null;
  months: [number, number, number][] | null;
}

const LATEST_SNAPSHOTS = `
SELECT u.id AS use_case_id, s.inputs_version IS NOT DISTINCT FROM u.value_version AND s.months IS NOT NULL AS fresh,
       s.computed_at, s.roi, s.npv, s.cumulative_benefit, s.cumulative_cost, s.payback_month, s.months
  FROM use_cases u
  LEFT JOIN LATERAL (
    SELECT * FROM roi_snapshots s
     WHERE s.organization_id = u.organization_id AND s.use_case_id = u.id AND s.basis = $2::roi_basis
     ORDER BY s.computed_at DESC LIMIT 1) s ON TRUE
 WHERE u.organization_id = $1::uuid AND u.kickoff_at IS NOT NULL
 ORDER BY u.name`;

/** `months` given (another horizon than the default) computes every use case afresh. */
export async function startedUseCaseFigures(db: RawSql, organizationId: string, basis: RoiBasis, now: Date, months?: number): Promise<StartedFigures> {
  if (months !== undefined) return { useCases: await computed(db, organizationId, basis, now, months), asOf: now };
  const rows = await db.$queryRawUnsafe<SnapshotRow[]>(LATEST_SNAPSHOTS, organizationId, basis);
  const stale = rows.filter((r) => !r.fresh);
  const live = stale.length > 0 ? new Map((await computed(db, organizationId, basis, now)).map((u) => [u.useCaseId, u.figures])) : new Map();
  let asOf = now;
  const useCases = rows.flatMap((r): PortfolioUseCaseFigures[] => {
    if (!r.fresh) {
      const figures = live.get(r.use_case_id);
      return figures ? [{ useCaseId: r.use_case_id, figures }] : [];
    }
    if (r.computed_at! < asOf) asOf = r.computed_at!;
    return [
      {
        useCaseId: r.use_case_id,
        figures: {
          roi: r.roi,
          npv: r.npv ?? 0,
          cumulativeBenefit: r.cumulative_benefit!,
          cumulativeCost: r.cumulative_cost!,
          paybackMonth: r.payback_month,
          months: r.months!.map(([startsAt, benefit, cost]) => ({ startsAt: new Date(startsAt), benefit, cost })),
        },
      },
    ];
  });
  return { useCases, asOf };
}

async function computed(db: RawSql, organizationId: string, basis: RoiBasis, now: Date, months?: number): Promise<PortfolioUseCaseFigures[]> {
  return (await loadValueInputs(db, organizationId)).flatMap((u) =>
    u.kickoffAt ? [{ useCaseId: u.id, figures: roiNow({ ...u, kickoffAt: u.kickoffAt }, basis, now, months) }] : [],
  );
}
