// An over-the-air update at the agent: the signed bundle the core offers is verified (signature,
// hash, the version's own signature) and refused when it does not verify; a verified model is
// smoke-tested on the windows the agent holds (its last half hour) before it replaces the running
// one: every score finite and within [0, 1], and the share of windows it would alert on no more
// than MAX_ALERT_SHARE_RISE above the running model's on the same windows. A rollback (the version
// the target ran before) is verified and installed without a smoke test.
import type { KeyObject } from 'node:crypto';
import { verifyBundle, type BundleManifest, type EdgeBundle } from '@threadline/db/models/edge-bundle';
import { modelMode, SiteScorer } from './site-scorer.ts';

export const MAX_ALERT_SHARE_RISE = 0.5;

export interface OfferedUpdate {
  rolloutId: string;
  deploymentId: string;
  action: 'INSTALL' | 'ROLLBACK';
  versionId: string;
  bundle: EdgeBundle;
}

/** An offer as the core answers it: without the bundle when the agent said it has it already. */
export type Offer = Omit<OfferedUpdate, 'bundle'> & { bundle: EdgeBundle | null };

export const offerKey = (offer: Pick<OfferedUpdate, 'rolloutId' | 'action'>) => `${offer.rolloutId}:${offer.action}`;

export type UpdateOutcome =
  | { kind: 'INSTALLED'; scorer: SiteScorer; bundle: EdgeBundle; details: Record<string, unknown> }
  | { kind: 'REFUSED'; reason: string; details: Record<string, unknown> }
  /** Not enough held windows to judge by yet: asked again later. */
  | { kind: 'DEFERRED'; reason: string };

export async function tryUpdate(
  update: OfferedUpdate,
  current: SiteScorer,
  trustedKeys: ReadonlyMap<string, KeyObject>,
  now: () => number,
): Promise<UpdateOutcome> {
  const verified = verifyBundle(update.bundle, trustedKeys);
  if (!verified.ok) return { kind: 'REFUSED', reason: `the update is refused: ${verified.reason}`, details: {} };
  const manifest: BundleManifest = verified.manifest;
  if (manifest.deploymentId !== update.deploymentId || manifest.versionId !== update.versionId)
    return { kind: 'REFUSED', reason: 'the update is for another deployment or version', details: {} };
  const mode = await modelMode(manifest, verified.onnx);
  if (mode.kind === 'FALLBACK') return { kind: 'REFUSED', reason: mode.reason, details: {} };
  const { runner } = mode;
  const candidate = new SiteScorer(manifest, mode, now);
  candidate.adopt(current);
  const details = { version: manifest.version };
  if (update.action === 'ROLLBACK') return { kind: 'INSTALLED', scorer: candidate, bundle: update.bundle, details };
  const [after, before] = [await candidate.heldScores(), await current.heldScores()];
  if (after.scores.length === 0) {
    await runner.release();
    return { kind: 'DEFERRED', reason: 'no held windows to smoke-test the update on yet' };
  }
  const share = (scores: number[], threshold: number) => (scores.length === 0 ? 0 : scores.filter((s) => s >= threshold).length / scores.length);
  const smoke = {
    ...details,
    windows: after.scores.length,
    alertShareBefore: round(share(before.scores, before.threshold)),
    alertShareAfter: round(share(after.scores, after.threshold)),
  };
  const broken = after.scores.find((s) => !Number.isFinite(s) || s < 0 || s > 1);
  const reason =
    broken !== undefined
      ? `the smoke test scored a window ${broken}`
      : smoke.alertShareAfter > smoke.alertShareBefore + MAX_ALERT_SHARE_RISE
        ? `the smoke test alerts on ${smoke.alertShareAfter} of the held windows, the running model on ${smoke.alertShareBefore}`
        : null;
  if (reason) {
    await runner.release();
    return { kind: 'REFUSED', reason, details: smoke };
  }
  return { kind: 'INSTALLED', scorer: candidate, bundle: update.bundle, details: smoke };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
