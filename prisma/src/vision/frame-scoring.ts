// What the frame-inference job reads: the frames to score, and which live vision deployments score
// each frame's asset (the deployments' scope as for telemetry, deployment-scope.ts; cloud targets:
// edge agents score telemetry windows only).
import { DEPLOYMENT_ASSETS_SQL } from '../models/deployment-scope.ts';
import { rows, type RawSql } from '../sql.ts';

/** What a frame's prediction stores as its explanation: the frame it scored. */
export interface FrameReference {
  frameId: string;
  camera: string;
}

/** What a frame's insight stores as its explanation: the frame, and where the evidence lies. */
export interface FrameEvidence extends FrameReference {
  kind: 'HEATMAP';
  rows: number;
  cols: number;
  cells: number[];
  peak: { x: number; y: number; width: number; height: number };
  strength: number;
}

export interface FrameToScore {
  id: string;
  assetId: string;
  camera: string;
  ts: number;
  receivedAt: number;
  sha256: string;
  contentType: string;
}

export async function framesToScore(db: RawSql, organizationId: string, frameIds: readonly string[]): Promise<FrameToScore[]> {
  const found = await rows<FrameToScore>(
    db,
    `SELECT id, asset_id AS "assetId", camera, extract(epoch FROM ts) * 1000 AS ts, extract(epoch FROM received_at) * 1000 AS "receivedAt",
            sha256, content_type AS "contentType"
       FROM frames WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY ts`,
    organizationId,
    frameIds,
  );
  return found.map((f) => ({ ...f, ts: Number(f.ts), receivedAt: Number(f.receivedAt) }));
}

/** Per live cloud deployment of a vision version, the assets (of those given) it scores. */
export async function visionRoutes(db: RawSql, organizationId: string, assetIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const found = await rows<{ deploymentId: string; assetId: string }>(
    db,
    `SELECT s.deployment_id AS "deploymentId", s.asset_id AS "assetId"
       FROM (${DEPLOYMENT_ASSETS_SQL}) AS s
       JOIN deployments d ON d.organization_id = s.organization_id AND d.id = s.deployment_id
       JOIN model_versions v ON v.organization_id = d.organization_id AND v.id = d.model_version_id
      WHERE s.target_kind = 'CLOUD' AND v.feature_spec->>'kind' = 'IMAGE' AND s.asset_id = ANY($2::uuid[])`,
    organizationId,
    assetIds,
  );
  const routes = new Map<string, Set<string>>();
  for (const r of found) routes.set(r.deploymentId, (routes.get(r.deploymentId) ?? new Set()).add(r.assetId));
  return routes;
}

export interface LabelledFrame {
  id: string;
  sha256: string;
  contentType: string;
  defect: boolean;
}

/** Most labelled frames a training run reads (the newest, when there are more). */
export const MAX_TRAINING_FRAMES = 20_000;

/**
 * The labelled frames of the asset type's assets in [from, to), oldest first: labelled at ingest or
 * with labelFrame, else by the verdict on the insight the frame raised (a true problem is a DEFECT,
 * a false alarm GOOD); `cameras` keeps those cameras' only.
 */
export async function labelledFrames(
  db: RawSql,
  organizationId: string,
  assetTypeId: string,
  window: { from: Date; to: Date },
  cameras: readonly string[] | null,
): Promise<LabelledFrame[]> {
  const found = await rows<LabelledFrame>(
    db,
    `SELECT * FROM (
       SELECT f.id, f.sha256, f.content_type AS "contentType", l.label = 'DEFECT' AS defect, f.ts FROM frames f
         JOIN assets a ON a.organization_id = f.organization_id AND a.id = f.asset_id
         CROSS JOIN LATERAL (SELECT coalesce(f.label::text, (
             SELECT CASE i.verdict WHEN 'TRUE_PROBLEM' THEN 'DEFECT' WHEN 'FALSE_ALARM' THEN 'GOOD' END FROM insights i
              WHERE i.organization_id = f.organization_id AND i.asset_id = f.asset_id AND i.verdict IN ('TRUE_PROBLEM', 'FALSE_ALARM')
                AND i.explanation @> jsonb_build_array(jsonb_build_object('frameId', f.id::text))
              ORDER BY i.verdict_at DESC LIMIT 1)) AS label) l
        WHERE f.organization_id = $1 AND a.asset_type_id = $2 AND l.label IS NOT NULL AND f.ts >= $3 AND f.ts < $4
          AND ($5::text[] IS NULL OR f.camera = ANY($5::text[]))
        ORDER BY f.ts DESC LIMIT $6) AS newest ORDER BY ts`,
    organizationId,
    assetTypeId,
    window.from,
    window.to,
    cameras,
    MAX_TRAINING_FRAMES,
  );
  return found.map(({ id, sha256, contentType, defect }) => ({ id, sha256, contentType, defect }));
}

/** The frame evidence of an insight's stored explanation, or null (an insight from telemetry). */
export function storedFrameEvidence(stored: unknown): FrameEvidence | null {
  const first: unknown = Array.isArray(stored) ? stored[0] : null;
  if (typeof first !== 'object' || first === null) return null;
  const e = first as Partial<FrameEvidence>;
  return e.kind === 'HEATMAP' && typeof e.frameId === 'string' && Array.isArray(e.cells) && typeof e.rows === 'number' && typeof e.cols === 'number' && e.peak
    ? (e as FrameEvidence)
    : null;
}
