// The frame-inference job: scores newly stored camera frames with every live vision deployment of
// their assets (champions, challengers, shadows alike), through the same predictions and insights
// as telemetry windows (record-scores.ts): a prediction per (version, asset, frame time), so a
// repeated job writes nothing twice, and for a deployment that acts, an insight when a frame scores
// at the threshold, carrying the frame and an occlusion heat map of where the defect lies. A
// version that fails its integrity check puts the deployment on FALLBACK (there are no fallback
// rules for frames: nothing is scored until a version loads). A frame whose bytes cannot be read
// or decoded is skipped and logged; the others are scored.
import type pg from 'pg';
import type { Logger } from 'pino';
import { deploymentToScore, enterFallback } from '@threadline/db/models/scoring';
import { recordScores, type InferenceResult, type ScoredWindow } from '@threadline/db/models/record-scores';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { framesToScore, visionRoutes, type FrameEvidence, type FrameToScore } from '@threadline/db/vision/frame-scoring';
import { scoresCamera } from '@threadline/db/vision/image-spec';
import type { FrameStore } from '@threadline/db/vision/frame-store';
import type { VersionCache } from '../inference/version-cache.ts';
import { networkInput } from '../vision/pixels.ts';
import { heatMapOf, occludedCopies } from '../vision/occlusion.ts';
import { packImages } from '../vision/vision-runner.ts';

export interface FrameInferenceDeps {
  pool: pg.Pool;
  versions: VersionCache;
  store: FrameStore;
  log: Logger;
}

export async function runFrameInference(deps: FrameInferenceDeps, payload: { organizationId: string; frameIds: string[] }): Promise<InferenceResult> {
  const db = rawSqlOf(deps.pool);
  const total: InferenceResult = { windows: 0, predictions: 0, insightsRaised: 0, fallback: false };
  const frames = await framesToScore(db, payload.organizationId, payload.frameIds);
  if (frames.length === 0) return total;
  const routes = await visionRoutes(db, payload.organizationId, [...new Set(frames.map((f) => f.assetId))]);
  const inputs = new Map<string, Promise<Float32Array | null>>();
  for (const [deploymentId, assets] of routes) {
    const result = await scoreWithDeployment(
      deps,
      payload.organizationId,
      deploymentId,
      frames.filter((f) => assets.has(f.assetId)),
      inputs,
    );
    total.windows += result.windows;
    total.predictions += result.predictions;
    total.insightsRaised += result.insightsRaised;
    total.fallback ||= result.fallback;
  }
  return total;
}

async function scoreWithDeployment(
  deps: FrameInferenceDeps,
  organizationId: string,
  deploymentId: string,
  frames: FrameToScore[],
  inputs: Map<string, Promise<Float32Array | null>>,
): Promise<InferenceResult> {
  const none: InferenceResult = { windows: 0, predictions: 0, insightsRaised: 0, fallback: false };
  const deployment = await deploymentToScore(rawSqlOf(deps.pool), organizationId, deploymentId);
  if (!deployment || (deployment.status !== 'ACTIVE' && deployment.status !== 'FALLBACK')) return none;
  const loaded = await deps.versions.getVision(organizationId, deployment.modelVersionId);
  if (!loaded.ok) {
    if (deployment.status !== 'FALLBACK') await inTransaction(deps.pool, (tx) => enterFallback(tx, deployment, loaded.reason));
    return { ...none, fallback: true };
  }
  const { runner, spec } = loaded;
  const scorable: { frame: FrameToScore; input: Float32Array }[] = [];
  for (const frame of frames.filter((f) => scoresCamera(spec, f.camera))) {
    // Decoded once per size for every deployment of the job.
    const key = `${frame.id}|${spec.size}`;
    if (!inputs.has(key)) inputs.set(key, decoded(deps, frame, spec.size));
    const input = await inputs.get(key)!;
    if (input) scorable.push({ frame, input });
  }
  if (scorable.length === 0) return none;
  const scores = await runner.run(packImages(scorable.map((s) => s.input)), scorable.length);
  const windows: ScoredWindow[] = [];
  for (const [i, { frame, input }] of scorable.entries()) {
    const score = scores[i]!;
    windows.push({
      assetId: frame.assetId,
      windowEnd: frame.ts,
      score,
      explanation: [{ frameId: frame.id, camera: frame.camera }],
      earliestReceived: frame.receivedAt,
      // Only a frame that raises an insight gets its heat map (one more run of the model, over its occluded copies).
      describe: async () => {
        const copies = occludedCopies(input, spec);
        const heat = heatMapOf(score, await runner.run(copies, copies.length / input.length), spec);
        const evidence: FrameEvidence = { kind: 'HEATMAP', frameId: frame.id, camera: frame.camera, ...heat };
        return { explanation: [evidence], title: `Defect suspected ${score.toFixed(2)} on camera ${frame.camera}${where(heat.peak)}` };
      },
    });
  }
  return inTransaction(deps.pool, (tx) => recordScores(tx, deployment, 0, windows));
}

/** Where in the frame the peak lies, in words an operator can look for. */
function where(peak: { x: number; y: number; width: number; height: number }): string {
  const cx = peak.x + peak.width / 2;
  const cy = peak.y + peak.height / 2;
  const vertical = cy < 1 / 3 ? 'top' : cy > 2 / 3 ? 'bottom' : 'middle';
  const horizontal = cx < 1 / 3 ? 'left' : cx > 2 / 3 ? 'right' : 'centre';
  return ` (${vertical === 'middle' && horizontal === 'centre' ? 'centre' : `${vertical} ${horizontal}`} of the frame)`;
}

async function decoded(deps: FrameInferenceDeps, frame: FrameToScore, size: number): Promise<Float32Array | null> {
  const bytes = await deps.store.get(frame.sha256);
  if (!bytes) {
    deps.log.warn({ frameId: frame.id, sha256: frame.sha256 }, 'frame bytes missing from the store; not scored');
    return null;
  }
  try {
    return networkInput(bytes, frame.contentType, size);
  } catch (err) {
    deps.log.warn({ err, frameId: frame.id }, 'frame could not be decoded; not scored');
    return null;
  }
}
