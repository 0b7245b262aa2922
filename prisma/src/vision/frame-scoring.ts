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

/** Where in a frame the evidence of a vision score lies (workers/src/vision/occlusion.ts). */
export interface HeatMap {
  rows: number;
  cols: number;
  /** Row-major drops in score in [0, 1], scaled to the largest, three decimals. */
  cells: number[];
  /** The peak cell as a box in fractions of the frame (x, y, width, height). */
  peak: { x: number; y: number; width: number; height: number };
  /** The largest drop in score, before scaling. */
  strength: number;
}

/** What a frame's insight stores as its explanation: the frame, and its heat map. */
export interface FrameEvidence extends FrameReference, HeatMap {
  kind: 'HEATMAP';
}

/** SQL: the frame a vision insight `i` was raised on (its explanation's first entry names it), else NULL. */
export const INSIGHT_FRAME_ID = `CASE WHEN i.explanation->0->>'kind' = 'HEATMAP' AND i.explanation->0->>'frameId' ~ '^[0-9a-f-]{36}$'
  THEN (i.explanation->0->>'frameId')::uuid END`;

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
    `WITH verdicts AS (
       SELECT DISTINCT ON (frame_id) frame_id, label FROM (
         SELECT ${INSIGHT_FRAME_ID} AS frame_id, CASE i.verdict WHEN 'TRUE_PROBLEM' THEN 'DEFECT' ELSE 'GOOD' END AS label, i.verdict_at
           FROM insights i WHERE i.organization_id = $1 AND i.verdict IN ('TRUE_PROBLEM', 'FALSE_ALARM')) AS judged
        WHERE frame_id IS NOT NULL ORDER BY frame_id, verdict_at DESC)
     SELECT * FROM (
       SELECT f.id, f.sha256, f.content_type AS "contentType", coalesce(f.label::text, v.label) = 'DEFECT' AS defect, f.ts FROM frames f
         JOIN assets a ON a.organization_id = f.organization_id AND a.id = f.asset_id
         LEFT JOIN verdicts v ON v.frame_id = f.id
        WHERE f.organization_id = $1 AND a.asset_type_id = $2 AND coalesce(f.label::text, v.label) IS NOT NULL AND f.ts >= $3 AND f.ts < $4
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
