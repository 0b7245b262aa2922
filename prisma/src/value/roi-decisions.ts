// The decisions behind a use case's ROI change (UseCase.roiChange): the ids of the audit events in
// a period about the use case itself, its KPIs and the measurements taken then, its costs, its
// waves, their gates, gate decisions and approvals; newest first, at most `limit`.
import { rows, type RawSql } from '../sql.ts';

export async function decisionEventIds(db: RawSql, organizationId: string, useCaseId: string, from: Date, to: Date, limit: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    db,
    `WITH subjects AS (
       SELECT $2::uuid AS id
       UNION ALL SELECT id FROM kpis WHERE organization_id = $1::uuid AND use_case_id = $2::uuid
       UNION ALL SELECT m.id FROM kpi_measurements m JOIN kpis k ON k.id = m.kpi_id
                  WHERE k.organization_id = $1::uuid AND k.use_case_id = $2::uuid AND m.created_at > $3 AND m.created_at <= $4
       UNION ALL SELECT id FROM cost_items WHERE organization_id = $1::uuid AND use_case_id = $2::uuid
       UNION ALL SELECT id FROM scaling_waves WHERE organization_id = $1::uuid AND use_case_id = $2::uuid
       UNION ALL SELECT g.id FROM wave_gates g JOIN scaling_waves w ON w.id = g.wave_id WHERE w.organization_id = $1::uuid AND w.use_case_id = $2::uuid
       UNION ALL SELECT d.id FROM gate_decisions d JOIN scaling_waves w ON w.id = d.wave_id WHERE w.organization_id = $1::uuid AND w.use_case_id = $2::uuid
       UNION ALL SELECT a.id FROM approvals a JOIN scaling_waves w ON w.id = a.subject_id WHERE a.organization_id = $1::uuid AND w.use_case_id = $2::uuid)
     SELECT e.id FROM audit_events e
      WHERE e.organization_id = $1::uuid AND e.occurred_at > $3 AND e.occurred_at <= $4 AND e.subject_id IN (SELECT id::text FROM subjects)
      ORDER BY e.seq DESC LIMIT $5`,
    organizationId,
    useCaseId,
    from,
    to,
    limit,
  );
  return found.map((r) => r.id);
}
