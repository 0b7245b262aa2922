// The streaming detector's learnt state per deployment and asset (migration 20261203000100): the
// inference job takes it under a transaction-scoped lock, so two jobs for the same asset score its
// samples one after the other and each sample once, in time order; a state learnt by another
// version is not used (the new version learns afresh).
import { row, type RawSql } from '../sql.ts';

export interface StoredDetectorState {
  state: unknown;
  /** Samples up to this time (epoch ms) have been scored. */
  scoredTo: number;
}

/** Locks (deployment, asset) until the transaction ends and returns its state for `versionId`, or null. */
export async function lockDetectorState(
  db: RawSql,
  organizationId: string,
  deploymentId: string,
  assetId: string,
  versionId: string,
): Promise<StoredDetectorState | null> {
  await db.$queryRawUnsafe('SELECT pg_advisory_xact_lock(hashtextextended($1, 19))', `${deploymentId}|${assetId}`);
  const found = await row<{ state: unknown; scoredTo: number; versionId: string }>(
    db,
    `SELECT state, extract(epoch FROM scored_to) * 1000 AS "scoredTo", model_version_id AS "versionId"
       FROM detector_states WHERE organization_id = $1::uuid AND deployment_id = $2::uuid AND asset_id = $3::uuid`,
    organizationId,
    deploymentId,
    assetId,
  );
  return found && found.versionId === versionId ? { state: found.state, scoredTo: Number(found.scoredTo) } : null;
}

export async function saveDetectorState(
  db: RawSql,
  input: { organizationId: string; deploymentId: string; assetId: string; versionId: string; state: unknown; scoredTo: number },
): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO detector_states (organization_id, deployment_id, asset_id, model_version_id, state, scored_to, updated_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::jsonb, to_timestamp($6 / 1000.0), now())
     ON CONFLICT (deployment_id, asset_id) DO UPDATE
       SET model_version_id = EXCLUDED.model_version_id, state = EXCLUDED.state, scored_to = EXCLUDED.scored_to, updated_at = now()`,
    input.organizationId,
    input.deploymentId,
    input.assetId,
    input.versionId,
    JSON.stringify(input.state),
    input.scoredTo,
  );
}
