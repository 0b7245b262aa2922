// What an edge agent forwards to the core (store and forward): the windows it scored on site, with
// its model (predictions, and the insights they raised there) or with its fallback rules, and its
// heartbeats. Records carry the sequence numbers of the agent's ordered outbox; the target keeps
// the last one it accepted, so a batch forwarded again after a lost answer is applied once, and an
// agent whose local state is new (another epoch) counts afresh. Predictions and insights go
// through the same rules as the cloud's (record-scores.ts, raise-insights.ts), with the time the
// agent raised each insight, so time to insight counts on-site time, not the link's outage.
import { z } from 'zod';
import { fallbackSourceKey, lockInsightSlots, modelSourceKey, raiseInsights } from '../insights/raise-insights.ts';
import type { AuditActor } from '../audit/audit-log.ts';
import { Refusal } from '../refusal.ts';
import { row, rows, type RawSql } from '../sql.ts';
import type { CompactExplanation, ExplanationEntry } from './explanation.ts';
import { recordScores } from './record-scores.ts';
import { deploymentToScore } from './scoring.ts';

const epochMs = z.number().int().min(0).max(8_640_000_000_000);
const windowFields = {
  seq: z.number().int().positive(),
  deploymentId: z.string().uuid(),
  assetId: z.string().uuid(),
  windowEnd: epochMs,
  windowMs: z.number().int().positive(),
  score: z.number().min(0).max(1),
  title: z.string().max(500),
  /** The insight's explanation (expanded entries), present when the window raised one on site. */
  explanation: z.array(z.record(z.string(), z.unknown())).max(50),
  earliestReceived: epochMs.nullable(),
  raisedAt: epochMs.nullable(),
};

/** Who acts when an edge agent's message changes something: the agent of that edge target. */
export const edgeAgentActor = (targetId: string): AuditActor => ({ kind: 'SYSTEM', id: null, label: `edge-agent:${targetId}` });

export const edgeRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('MODEL'),
    versionId: z.string().uuid(),
    /** The prediction's compact explanation: [feature index, value, contribution]. */
    compact: z.array(z.array(z.number()).min(3).max(5)).max(50),
    ...windowFields,
  }),
  z.object({ kind: z.literal('FALLBACK'), ...windowFields }),
]);
export type EdgeRecord = z.infer<typeof edgeRecordSchema>;

export const edgeBatchSchema = z.object({
  targetId: z.string().uuid(),
  epoch: z.string().min(8).max(64),
  records: z.array(edgeRecordSchema).max(5000),
});
export type EdgeBatch = z.infer<typeof edgeBatchSchema>;

export const heartbeatSchema = z.object({
  targetId: z.string().uuid(),
  at: epochMs,
  agentVersion: z.string().min(1).max(60),
  mode: z.enum(['MODEL', 'FALLBACK']),
  modelVersion: z.number().int().positive().nullable(),
  backlog: z.number().int().min(0),
  dropped: z.number().int().min(0),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export interface ForwardResult {
  /** The last sequence number now accepted (what the agent may drop from its outbox). */
  acceptedThrough: number;
  applied: number;
  alreadyApplied: number;
  predictions: number;
  insightsRaised: number;
}

/** Applies the records after the target's last accepted one, in order; run in one transaction. */
export async function acceptForwarded(db: RawSql, organizationId: string, batch: EdgeBatch): Promise<ForwardResult> {
  const target = await row<{ epoch: string | null; seq: string }>(
    db,
    'SELECT forward_epoch AS epoch, forwarded_seq::text AS seq FROM edge_targets WHERE organization_id = $1 AND id = $2::uuid FOR UPDATE',
    organizationId,
    batch.targetId,
  );
  if (!target) throw new Refusal(`No edge target ${batch.targetId}.`, 'targetId', 'NOT_FOUND');
  const after = target.epoch === batch.epoch ? Number(target.seq) : 0;
  const fresh = batch.records.filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq);
  await lockInsightSlots(db, organizationId, await insightSlotsOf(db, organizationId, fresh));
  let predictions = 0;
  let insightsRaised = 0;
  for (const group of byDeployment(fresh)) {
    const result = await applyGroup(db, organizationId, batch.targetId, group);
    predictions += result.predictions;
    insightsRaised += result.insightsRaised;
  }
  const through = Math.max(after, ...batch.records.map((r) => r.seq));
  await db.$executeRawUnsafe(
    'UPDATE edge_targets SET forward_epoch = $3, forwarded_seq = $4 WHERE organization_id = $1 AND id = $2::uuid',
    organizationId,
    batch.targetId,
    batch.epoch,
    through,
  );
  return { acceptedThrough: through, applied: fresh.length, alreadyApplied: batch.records.length - fresh.length, predictions, insightsRaised };
}

/** The (source, asset) insight slots the records may raise in: a model's, or a deployment's fallback rules'. */
async function insightSlotsOf(db: RawSql, organizationId: string, records: readonly EdgeRecord[]): Promise<{ sourceKey: string; assetId: string }[]> {
  const models = new Map(
    (
      await rows<{ id: string; modelId: string }>(
        db,
        `SELECT d.id, v.model_id AS "modelId"
           FROM deployments d JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
          WHERE d.organization_id = $1 AND d.id = ANY($2::uuid[])`,
        organizationId,
        [...new Set(records.map((r) => r.deploymentId))],
      )
    ).map((d) => [d.id, d.modelId]),
  );
  return records.flatMap((r) => {
    const modelId = models.get(r.deploymentId);
    if (!modelId) return [];
    return [{ sourceKey: r.kind === 'MODEL' ? modelSourceKey(modelId) : fallbackSourceKey(r.deploymentId), assetId: r.assetId }];
  });
}

/** Runs of consecutive records of one deployment, kind and version: each is applied as the cloud applies a job's windows. */
function byDeployment(records: readonly EdgeRecord[]): EdgeRecord[][] {
  const groups: EdgeRecord[][] = [];
  const keyOf = (r: EdgeRecord) => `${r.deploymentId}|${r.kind}|${r.kind === 'MODEL' ? r.versionId : ''}`;
  for (const record of records) {
    const last = groups.at(-1);
    if (last && keyOf(last[0]!) === keyOf(record)) last.push(record);
    else groups.push([record]);
  }
  return groups;
}

async function applyGroup(db: RawSql, organizationId: string, targetId: string, group: EdgeRecord[]): Promise<{ predictions: number; insightsRaised: number }> {
  const first = group[0]!;
  const deployment = await deploymentToScore(db, organizationId, first.deploymentId);
  // The deployment must run on this target, and every window be of an asset it may score: its own
  // asset, or one of its model's asset type (a forwarded window is never another asset's).
  const assets = [...new Set(group.map((r) => r.assetId))];
  const check = await row<{ onTarget: boolean; foreign: string[] }>(
    db,
    `SELECT d.edge_target_id = $3::uuid AS "onTarget",
            array(SELECT a FROM unnest($4::uuid[]) AS a WHERE NOT EXISTS (
              SELECT 1 FROM assets x WHERE x.organization_id = d.organization_id AND x.id = a
                 AND (x.id = d.asset_id OR (d.asset_id IS NULL AND x.asset_type_id = m.asset_type_id)))) AS foreign
       FROM deployments d JOIN models m ON m.organization_id = d.organization_id AND m.id = $5::uuid
      WHERE d.organization_id = $1 AND d.id = $2::uuid`,
    organizationId,
    first.deploymentId,
    targetId,
    assets,
    deployment?.modelId ?? null,
  );
  if (!deployment || !check?.onTarget)
    throw new Refusal(`Deployment ${first.deploymentId} does not run on edge target ${targetId}.`, 'deploymentId', 'NOT_FOUND');
  if (check.foreign.length > 0) throw new Refusal(`Asset ${check.foreign[0]} is not one deployment ${first.deploymentId} scores.`, 'assetId', 'BAD_USER_INPUT');
  const describe = (r: EdgeRecord) => () => ({ explanation: r.explanation as unknown as ExplanationEntry[], title: r.title });
  if (first.kind === 'MODEL') {
    const version = await row<{ modelId: string; threshold: number }>(
      db,
      'SELECT model_id AS "modelId", threshold FROM model_versions WHERE organization_id = $1 AND id = $2::uuid',
      organizationId,
      first.versionId,
    );
    if (version?.modelId !== deployment.modelId)
      throw new Refusal(`Version ${first.versionId} is not a version of the deployment's model.`, 'versionId', 'BAD_USER_INPUT');
    const result = await recordScores(
      db,
      { ...deployment, modelVersionId: first.versionId, threshold: version.threshold },
      first.windowMs,
      group.map((r) => ({
        assetId: r.assetId,
        windowEnd: r.windowEnd,
        score: r.score,
        explanation: (r.kind === 'MODEL' ? r.compact : []) as CompactExplanation,
        earliestReceived: r.earliestReceived,
        raisedAt: r.raisedAt,
        describe: describe(r),
      })),
    );
    return { predictions: result.predictions, insightsRaised: result.insightsRaised };
  }
  const insightsRaised = await raiseInsights(
    db,
    organizationId,
    { key: fallbackSourceKey(deployment.id), kind: 'THRESHOLD', fromFallback: true, modelVersionId: null, useCaseId: deployment.useCaseId },
    0.5,
    group.map((r) => ({
      assetId: r.assetId,
      windowEnd: r.windowEnd,
      score: r.score,
      predictionId: null,
      windowMs: r.windowMs,
      earliestReceived: r.earliestReceived,
      raisedAt: r.raisedAt,
      describe: describe(r),
    })),
  );
  return { predictions: 0, insightsRaised };
}

/** What the agent reports now: kept on the target (the latest report wins; an older one arriving late changes nothing). */
export async function recordHeartbeat(db: RawSql, organizationId: string, heartbeat: Heartbeat): Promise<void> {
  const updated = await rows<{ id: string }>(
    db,
    `UPDATE edge_targets SET last_heartbeat_at = to_timestamp($3 / 1000.0), agent_version = $4, agent_mode = $5, agent_model_version = $6,
            agent_backlog = $7, agent_dropped = $8
      WHERE organization_id = $1 AND id = $2::uuid AND (last_heartbeat_at IS NULL OR last_heartbeat_at <= to_timestamp($3 / 1000.0))
      RETURNING id`,
    organizationId,
    heartbeat.targetId,
    heartbeat.at,
    heartbeat.agentVersion,
    heartbeat.mode,
    heartbeat.modelVersion,
    heartbeat.backlog,
    heartbeat.dropped,
  );
  if (updated.length === 0 && !(await row(db, 'SELECT 1 FROM edge_targets WHERE organization_id = $1 AND id = $2::uuid', organizationId, heartbeat.targetId)))
    throw new Refusal(`No edge target ${heartbeat.targetId}.`, 'targetId', 'NOT_FOUND');
}
