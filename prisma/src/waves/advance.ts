// Advancing a scaling wave (DESIGN §2): someone asks, with the gates evaluated from measurements as
// evidence; an approver other than the asker decides. Approval advances the wave only when every
// gate passes at the moment of the decision: the wave passes, the next phase's wave starts, and
// the use case's models cover the new wave's scope from then on (deployment-scope.ts). A rejection
// holds the wave. The request, the gate decision and both waves' changes are audit events.
import { decideApproval, lockPendingApproval, requestApproval } from '../audit/approvals.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { written, type RawSql } from '../sql.ts';
import type { Approval, GateDecision } from '../client.ts';
import type { JsonValue } from '../audit/audit-hash.ts';
import { announceDeployments } from '../models/deployments.ts';
import { DEPLOYMENT_ASSETS_SQL } from '../models/deployment-scope.ts';
import { Refusal } from '../refusal.ts';
import { evaluateWaveGates, type GateResult } from './gates.ts';
import { PHASE_ORDER } from './policy.ts';
import type { WavePhase } from '../client.ts';

interface WaveRow {
  id: string;
  use_case_id: string;
  name: string;
  phase: WavePhase;
  status: string;
}

async function lockedWave(db: RawSql, organizationId: string, waveId: string): Promise<WaveRow> {
  const [wave] = await db.$queryRawUnsafe<WaveRow[]>(
    'SELECT id, use_case_id, name, phase::text AS phase, status::text AS status FROM scaling_waves WHERE organization_id = $1::uuid AND id = $2::uuid FOR UPDATE',
    organizationId,
    waveId,
  );
  if (!wave) throw new Refusal(`Scaling wave ${waveId} does not exist in your organisation.`, 'waveId');
  return wave;
}

async function setStatus(
  db: RawSql,
  organizationId: string,
  wave: Pick<WaveRow, 'id' | 'status'>,
  status: string,
  actor: AuditActor,
  extra: Record<string, JsonValue>,
): Promise<void> {
  const stamp = status === 'ACTIVE' ? ', started_at = coalesce(started_at, now())' : status === 'PASSED' ? ', ended_at = now()' : '';
  await db.$executeRawUnsafe(
    `UPDATE scaling_waves SET status = $3::wave_status, updated_at = now()${stamp} WHERE organization_id = $1::uuid AND id = $2::uuid`,
    organizationId,
    wave.id,
    status,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'scaling_wave.updated',
    actor,
    subjectType: 'scaling_wave',
    subjectId: wave.id,
    payload: { status: [wave.status, status], ...extra },
  });
}

const gatesJson = (gates: GateResult[]) => gates.map((g) => ({ ...g })) as unknown as JsonValue;

/** Asks for the wave to advance: evaluates its gates, puts it under gate review and opens an approval. */
export async function requestWaveAdvance(
  db: RawSql,
  input: { organizationId: string; waveId: string; requestedById: string; rationale: string },
  actor: AuditActor,
): Promise<{ approval: Approval; gates: GateResult[] }> {
  const { organizationId } = input;
  const wave = await lockedWave(db, organizationId, input.waveId);
  if (wave.status !== 'ACTIVE') throw new Refusal(`Only an active wave advances; this one is ${wave.status.toLowerCase()}.`, 'waveId', 'CONFLICT');
  const gates = await evaluateWaveGates(db, organizationId, wave.id);
  if (gates.length === 0) throw new Refusal('The wave has no KPI gates; add at least one (createWaveGate) before asking to advance.', 'waveId', 'CONFLICT');
  const approval = await requestApproval(
    db,
    {
      organizationId,
      subject: 'GATE_DECISION',
      subjectId: wave.id,
      requestedById: input.requestedById,
      comment: input.rationale,
      evidence: { waveId: wave.id, phase: wave.phase, rationale: input.rationale, gates: gatesJson(gates) },
    },
    actor,
  );
  await setStatus(db, organizationId, wave, 'GATE_REVIEW', actor, { approvalId: approval.id });
  return { approval, gates };
}

/** How many assets the use case's live deployments score now (before and after a rollout). */
async function assetsScored(db: RawSql, organizationId: string, useCaseId: string): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(DISTINCT s.asset_id)::int AS n FROM (${DEPLOYMENT_ASSETS_SQL}) s
       JOIN deployments d ON d.id = s.deployment_id JOIN model_versions v ON v.id = d.model_version_id
       JOIN models m ON m.id = v.model_id WHERE m.use_case_id = $2::uuid`,
    organizationId,
    useCaseId,
  );
  return row!.n;
}

export interface WaveDecision {
  gateDecision: GateDecision;
  outcome: 'ADVANCE' | 'HOLD';
  gates: GateResult[];
  nextWaveId: string | null;
  assetsBefore: number;
  assetsAfter: number;
}

/**
 * Decides a request to advance. Approving needs every gate passing now; otherwise the approval is
 * refused and nothing changes. Rejecting records a HOLD and puts the wave back to active.
 */
export async function decideWaveAdvance(
  db: RawSql,
  input: { organizationId: string; approvalId: string; approverId: string; approve: boolean; comment: string | null },
  actor: AuditActor,
): Promise<WaveDecision> {
  const { organizationId } = input;
  const approval = await lockPendingApproval(db, organizationId, input.approvalId, 'GATE_DECISION', input.approverId);
  const wave = await lockedWave(db, organizationId, approval.subjectId);
  const gates = await evaluateWaveGates(db, organizationId, wave.id);
  const failing = gates.filter((g) => !g.passing);
  if (input.approve && failing.length > 0) {
    throw new Refusal(`The wave cannot advance while a gate fails, even with an approval: ${failing.map((g) => g.reason).join(' ')}`, 'approve', 'CONFLICT');
  }
  const outcome = input.approve ? 'ADVANCE' : 'HOLD';
  const rationale = input.comment ?? approval.comment ?? (input.approve ? 'Every gate passes.' : 'Held.');
  await decideApproval(
    db,
    approval,
    { organizationId, approve: input.approve, deciderId: input.approverId, comment: input.comment, evidence: { gates: gatesJson(gates) } },
    actor,
  );
  const assetsBefore = await assetsScored(db, organizationId, wave.use_case_id);
  let nextWaveId: string | null = null;
  if (input.approve) {
    await setStatus(db, organizationId, wave, 'PASSED', actor, { approvalId: approval.id });
    const nextPhase = PHASE_ORDER[PHASE_ORDER.indexOf(wave.phase) + 1];
    const [next] = nextPhase
      ? await db.$queryRawUnsafe<WaveRow[]>(
          "SELECT id, status::text AS status FROM scaling_waves WHERE organization_id = $1::uuid AND use_case_id = $2::uuid AND phase = $3::wave_phase AND status = 'PLANNED' FOR UPDATE",
          organizationId,
          wave.use_case_id,
          nextPhase,
        )
      : [];
    if (next) {
      await setStatus(db, organizationId, next, 'ACTIVE', actor, { approvalId: approval.id, after: wave.id });
      nextWaveId = next.id;
    }
  } else {
    await setStatus(db, organizationId, wave, 'ACTIVE', actor, { approvalId: approval.id });
  }
  const assetsAfter = await assetsScored(db, organizationId, wave.use_case_id);
  const decision = await written<GateDecision>(
    db,
    `INSERT INTO gate_decisions (organization_id, wave_id, outcome, rationale, gate_results, decided_by_id)
     VALUES ($1::uuid, $2::uuid, $3::gate_outcome, $4, $5::jsonb, $6::uuid) RETURNING *`,
    organizationId,
    wave.id,
    outcome,
    rationale,
    JSON.stringify(gates),
    input.approverId,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'gate_decision.created',
    actor,
    subjectType: 'gate_decision',
    subjectId: decision!.id,
    payload: { waveId: wave.id, outcome, approvalId: approval.id, rationale, gates: gatesJson(gates), nextWaveId, rollout: { assetsBefore, assetsAfter } },
  });
  if (assetsAfter !== assetsBefore) await announceDeployments(db, organizationId);
  return { gateDecision: decision!, outcome, gates, nextWaveId, assetsBefore, assetsAfter };
}
