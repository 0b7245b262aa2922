// Reads of stored frames: one frame's bytes (the portal and integrators fetch them), an asset's
// recent frames with the vision scores and insights they drew, and labelling a frame (training data).
import type pg from 'pg';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { row, rows, type RawSql } from '../sql.ts';
import type { FrameStore } from './frame-store.ts';
import type { FrameLabel } from './frame-ingest.ts';
import { INSIGHT_FRAME_ID } from './frame-scoring.ts';

export interface StoredFrame {
  id: string;
  assetId: string;
  camera: string;
  ts: Date;
  contentType: string;
  byteSize: number;
  width: number;
  height: number;
  label: FrameLabel | null;
  /** The highest vision score it got (any version), null when not scored. */
  score: number | null;
  /** The insight it raised, if any. */
  insightId: string | null;
}

const FRAME_COLUMNS = `f.id, f.asset_id AS "assetId", f.camera, f.ts, f.content_type AS "contentType", f.byte_size AS "byteSize", f.width, f.height, f.label,
  (SELECT max(p.score) FROM predictions p WHERE p.organization_id = f.organization_id AND p.asset_id = f.asset_id AND p.ts = f.ts
      AND p.explanation @> jsonb_build_array(jsonb_build_object('frameId', f.id::text))) AS score,
  (SELECT i.id FROM insights i WHERE i.organization_id = f.organization_id AND i.asset_id = f.asset_id AND ${INSIGHT_FRAME_ID} = f.id LIMIT 1) AS "insightId"`;

/** The asset's frames, newest first; `flaggedOnly` keeps those that raised an insight (found from the insights). */
export function recentFrames(db: RawSql, organizationId: string, assetId: string, limit: number, flaggedOnly = false): Promise<StoredFrame[]> {
  if (!flaggedOnly) {
    return rows<StoredFrame>(
      db,
      `SELECT ${FRAME_COLUMNS} FROM frames f WHERE f.organization_id = $1 AND f.asset_id = $2 ORDER BY f.ts DESC LIMIT $3`,
      organizationId,
      assetId,
      limit,
    );
  }
  return rows<StoredFrame>(
    db,
    `SELECT ${FRAME_COLUMNS} FROM frames f
      WHERE f.organization_id = $1 AND f.id IN (SELECT ${INSIGHT_FRAME_ID} FROM insights i WHERE i.organization_id = $1 AND i.asset_id = $2)
      ORDER BY f.ts DESC LIMIT $3`,
    organizationId,
    assetId,
    limit,
  );
}

export function frameById(db: RawSql, organizationId: string, frameId: string): Promise<StoredFrame | undefined> {
  return row<StoredFrame>(db, `SELECT ${FRAME_COLUMNS} FROM frames f WHERE f.organization_id = $1 AND f.id = $2`, organizationId, frameId);
}

/** A frame's bytes and type, or null when the organisation has no such frame (or its bytes are gone). */
export async function frameBytes(
  pool: pg.Pool,
  store: FrameStore,
  organizationId: string,
  frameId: string,
): Promise<{ contentType: string; bytes: Buffer } | null> {
  const { rows: found } = await pool.query<{ sha256: string; contentType: string }>(
    'SELECT sha256, content_type AS "contentType" FROM frames WHERE organization_id = $1 AND id = $2',
    [organizationId, frameId],
  );
  if (!found[0]) return null;
  const bytes = await store.get(found[0].sha256);
  return bytes && { contentType: found[0].contentType, bytes };
}

/** Labels a frame GOOD or DEFECT (or clears its label), as an audit event; false when there is no such frame. */
export async function labelFrame(db: RawSql, organizationId: string, frameId: string, label: FrameLabel | null, actor: AuditActor): Promise<boolean> {
  const changed = await rows<{ before: FrameLabel | null }>(
    db,
    `UPDATE frames f SET label = $3::frame_label, labelled_at = CASE WHEN $3 IS NULL THEN NULL ELSE now() END
       FROM (SELECT id, label AS before FROM frames WHERE organization_id = $1 AND id = $2 FOR UPDATE) o
      WHERE f.id = o.id RETURNING o.before`,
    organizationId,
    frameId,
    label,
  );
  if (!changed[0]) return false;
  await appendAuditEvent(db, {
    organizationId,
    type: 'frame.updated',
    actor,
    subjectType: 'frame',
    subjectId: frameId,
    payload: { label: [changed[0].before, label] },
  });
  return true;
}
