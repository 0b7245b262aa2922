// The one frame ingest path (HTTP multipart, MQTT camera topics, the video sampler): each frame is
// checked (its asset, camera, capture time, label, and that its bytes are a complete JPEG or PNG
// of bounded size, read from their headers) before anything is stored; the new ones go to the
// frame store under their sha256 and are referenced in `frames`, idempotently on (asset, camera,
// time), and in the same transaction a frame-inference job is written to the outbox, so every
// stored frame is scored by the live vision deployments of its asset.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { frameInferenceJob } from '../jobs.ts';
import { addToOutbox } from '../outbox.ts';
import { inTransaction, type RawSql } from '../sql.ts';
import { uuidV7 } from '../uuid.ts';
import { systemClock, type Clock } from '../clock.ts';
import { assetOf, namedAssets, type AssetNamed } from '../telemetry/asset-keys.ts';
import { checkTime } from '../telemetry/point-rules.ts';
import type { IngestResult, RejectedPoint } from '../telemetry/ingest.ts';
import { frameFormat, type FrameFormat } from './frame-format.ts';
import { frameSha256, type FrameStore } from './frame-store.ts';

export const FRAME_LABELS = ['GOOD', 'DEFECT'] as const;
export type FrameLabel = (typeof FRAME_LABELS)[number];
export const CAMERA_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Frames one call takes at most (an MQTT write's batch, a multipart request). */
export const MAX_FRAMES_PER_BATCH = 500;

export interface RawFrame extends AssetNamed {
  camera?: unknown;
  time?: unknown;
  bytes: Uint8Array;
  label?: unknown;
}

interface ValidFrame extends FrameFormat {
  assetId: string;
  camera: string;
  time: Date;
  bytes: Uint8Array;
  sha256: string;
  label: FrameLabel | null;
}

export interface FrameIngestResult extends IngestResult {
  /** Ids of the frames stored now, in the order sent. */
  frameIds: string[];
}

export class FrameIngest {
  constructor(
    private readonly pool: pg.Pool,
    private readonly store: FrameStore,
    private readonly clock: Clock = systemClock,
  ) {}

  async ingest(organizationId: string, raw: readonly RawFrame[]): Promise<FrameIngestResult> {
    if (raw.length > MAX_FRAMES_PER_BATCH) throw new RangeError(`at most ${MAX_FRAMES_PER_BATCH} frames per batch`);
    const assets = await namedAssets(this.pool, organizationId, raw);
    const now = this.clock.nowMs();
    const rejected: RejectedPoint[] = [];
    const valid: ValidFrame[] = [];
    raw.forEach((frame, index) => {
      const checked = checkFrame(frame, assets, now);
      if (typeof checked === 'string') rejected.push({ index, reason: checked });
      else valid.push(checked);
    });
    const fresh = await this.unseen(organizationId, valid);
    // Bytes first, then their references: a reference never points at bytes that are not there.
    for (const [sha256, bytes] of new Map(fresh.map((f) => [f.sha256, f.bytes]))) await this.store.put(sha256, bytes);
    const frameIds = fresh.length === 0 ? [] : await inTransaction(this.pool, (db) => this.reference(db, organizationId, fresh));
    return { accepted: frameIds.length, duplicates: valid.length - frameIds.length, rejected, frameIds };
  }

  /** The frames not stored before (nor repeated earlier in the batch). */
  private async unseen(organizationId: string, frames: readonly ValidFrame[]): Promise<ValidFrame[]> {
    if (frames.length === 0) return [];
    const { rows } = await this.pool.query<{ key: string }>(
      `SELECT asset_id || '|' || camera || '|' || (extract(epoch FROM ts) * 1000)::bigint AS key FROM frames
        WHERE organization_id = $1 AND (asset_id, camera, ts) IN (SELECT * FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]))`,
      [organizationId, frames.map((f) => f.assetId), frames.map((f) => f.camera), frames.map((f) => f.time)],
    );
    const seen = new Set(rows.map((r) => r.key));
    return frames.filter((f) => {
      const key = `${f.assetId}|${f.camera}|${f.time.getTime()}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private async reference(db: RawSql, organizationId: string, frames: readonly ValidFrame[]): Promise<string[]> {
    const ids = frames.map((f) => uuidV7(f.time.getTime()));
    const stored = await db.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO frames (id, organization_id, asset_id, camera, ts, sha256, content_type, byte_size, width, height, label, labelled_at)
       SELECT i, $1, a, c, t, s, ct, b, w, h, l::frame_label, CASE WHEN l IS NOT NULL THEN now() END
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::int[], $9::int[], $10::int[], $11::text[])
           AS u(i, a, c, t, s, ct, b, w, h, l)
       ON CONFLICT (organization_id, asset_id, camera, ts) DO NOTHING
       RETURNING id`,
      organizationId,
      ids,
      frames.map((f) => f.assetId),
      frames.map((f) => f.camera),
      frames.map((f) => f.time),
      frames.map((f) => f.sha256),
      frames.map((f) => f.contentType),
      frames.map((f) => f.bytes.length),
      frames.map((f) => f.width),
      frames.map((f) => f.height),
      frames.map((f) => f.label),
    );
    // In the order sent, whatever order the rows came back in.
    const inserted = new Set(stored.map((r) => r.id));
    const frameIds = ids.filter((id) => inserted.has(id));
    if (frameIds.length > 0) {
      await addToOutbox(db, frameInferenceJob, {
        organizationId,
        jobId: `frames-${createHash('sha1').update(frameIds.join(',')).digest('hex').slice(0, 24)}`,
        payload: { organizationId, frameIds },
      });
    }
    return frameIds;
  }
}

/** The frame ready to store, or the reason it is refused. */
export function checkFrame(frame: RawFrame, assets: ReadonlyMap<string, string>, now: number): ValidFrame | string {
  const asset = assetOf(frame, assets);
  if (typeof asset === 'string') return asset;
  if (typeof frame.camera !== 'string' || !CAMERA_NAME.test(frame.camera))
    return 'camera must be 1-63 letters, digits, ., _ or -, starting with a letter or digit';
  // Epoch milliseconds arrive as text from forms, query strings and MQTT user properties.
  const time = checkTime(typeof frame.time === 'string' && /^\d{10,16}$/.test(frame.time) ? Number(frame.time) : frame.time, now);
  if (typeof time === 'string') return time;
  const label = frame.label ?? null;
  if (label !== null && !(FRAME_LABELS as readonly unknown[]).includes(label)) return `label must be one of ${FRAME_LABELS.join(', ')}`;
  const format = frameFormat(frame.bytes);
  if (typeof format === 'string') return format;
  return {
    ...format,
    assetId: asset.assetId,
    camera: frame.camera,
    time,
    bytes: frame.bytes,
    sha256: frameSha256(frame.bytes),
    label: label as FrameLabel | null,
  };
}
