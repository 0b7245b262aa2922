// Labelled training windows from the plant's own record: features on a grid over the data window
// for every asset of the model's type, labelled 1 when an incident on the asset starts within the
// horizon after the window end, unless an operator's verdict on an insight speaks for the window
// (prisma/src/insights/verdicts.ts: a true problem 1, a false alarm 0, unsure left out). Windows
// that overlap an incident (the asset is down) or that the models may not score (features.ts: a
// signal covering less than half the window) are left out. The last 30 % of the window in time is
// the holdout.
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import type { SeriesLoader } from '@threadline/db/telemetry/feature-series';
import type { Incident, IncidentLoader } from '@threadline/db/telemetry/incident-spans';
import { verdictLabel, type VerdictLoader, type VerdictSpan } from '@threadline/db/insights/verdicts';
import { computeFeatures, gridEnds, scorable } from './features.ts';

export interface Dataset {
  rows: Float64Array[];
  labels: number[];
  windowEnds: number[];
  assetIds: string[];
}

/** Where a dataset's telemetry and incidents come from (bound to one organisation by the caller). */
export interface DatasetSource {
  series: SeriesLoader;
  incidents: IncidentLoader;
  verdicts: VerdictLoader;
}

export interface DatasetRequest {
  assetIds: string[];
  from: Date;
  to: Date;
  /** Spacing of training windows (may be coarser than the scoring grid). */
  stepSeconds: number;
  horizonMinutes: number;
}

export const HOLDOUT_SHARE = 0.3;

/** What labels one asset's windows: its incidents and the verdicts on its insights. */
export interface AssetLabels {
  incidents: readonly Incident[];
  verdicts: readonly VerdictSpan[];
}

/**
 * The label of an asset's window ending at `end`: null when the window overlaps an incident (the
 * asset is down); else an operator's verdict where one speaks for the window (null for unsure);
 * else 1 when one of the asset's incidents starts within the horizon after it, 0 otherwise.
 */
export function windowLabel(own: AssetLabels | undefined, end: number, windowMs: number, horizonMs: number): 0 | 1 | null {
  const incidents = own?.incidents ?? [];
  if (incidents.some((i) => i.start <= end && i.end > end - windowMs)) return null;
  const byVerdict = verdictLabel(own?.verdicts ?? [], end);
  if (byVerdict !== undefined) return byVerdict;
  return incidents.some((i) => i.start > end && i.start <= end + horizonMs) ? 1 : 0;
}

/** Each asset's incidents and verdict spans. */
export function labelsByAsset(incidents: readonly Incident[], verdicts: readonly VerdictSpan[]): Map<string, AssetLabels> {
  const byAsset = new Map<string, { incidents: Incident[]; verdicts: VerdictSpan[] }>();
  const of = (assetId: string) => {
    let own = byAsset.get(assetId);
    if (!own) byAsset.set(assetId, (own = { incidents: [], verdicts: [] }));
    return own;
  };
  for (const i of incidents) of(i.assetId).incidents.push(i);
  for (const v of verdicts) of(v.assetId).verdicts.push(v);
  return byAsset;
}

/** The labels of the assets' windows ending in [from, to]: their incidents (from a window before) and verdict spans, for a horizon. */
export async function loadLabels(
  source: Pick<DatasetSource, 'incidents' | 'verdicts'>,
  assetIds: readonly string[],
  range: { from: number; to: number; windowMs: number; horizonMs: number },
): Promise<{ byAsset: Map<string, AssetLabels>; incidents: Incident[] }> {
  const [incidents, verdicts] = await Promise.all([
    source.incidents(assetIds, range.from - range.windowMs, range.to + range.horizonMs),
    source.verdicts(assetIds, range.from, range.to, range.horizonMs),
  ]);
  return { byAsset: labelsByAsset(incidents, verdicts), incidents };
}

export async function buildDataset(
  source: DatasetSource,
  spec: FeatureSpec,
  request: DatasetRequest,
): Promise<{ train: Dataset; holdout: Dataset; incidents: number }> {
  const from = request.from.getTime();
  const to = request.to.getTime();
  const horizon = request.horizonMinutes * 60_000;
  const { byAsset, incidents } = await loadLabels(source, request.assetIds, { from, to, windowMs: spec.windowSeconds * 1000, horizonMs: horizon });
  const split = from + (to - from) * (1 - HOLDOUT_SHARE);
  const train: Dataset = { rows: [], labels: [], windowEnds: [], assetIds: [] };
  const holdout: Dataset = { rows: [], labels: [], windowEnds: [], assetIds: [] };
  const trainingGrid = { ...spec, stepSeconds: request.stepSeconds };
  for (const assetId of request.assetIds) {
    const inputs = (await source.series([{ assetId, after: from - spec.windowSeconds * 1000, upTo: to }], spec)).get(assetId)!;
    const own = byAsset.get(assetId);
    const ends = gridEnds(trainingGrid, from + spec.windowSeconds * 1000, to);
    for (const row of computeFeatures(spec, inputs.series, ends, inputs.attributes)) {
      const end = row.windowEnd;
      const label = scorable(row) ? windowLabel(own, end, spec.windowSeconds * 1000, horizon) : null;
      if (label === null) continue;
      const target = end < split ? train : holdout;
      target.rows.push(row.values);
      target.labels.push(label);
      target.windowEnds.push(end);
      target.assetIds.push(assetId);
    }
  }
  return { train, holdout, incidents: incidents.length };
}

/**
 * A validation slice carved from training rows for choices made on it (early stopping, calibration,
 * the threshold): the rows of the last `share` of the training span in time, so validation lies
 * after what is fitted, as the holdout lies after both. A cut inside the run of windows before a
 * failure moves back to the run's start, so the slice holds the whole approach to that failure, the
 * early faint windows as well as the late obvious ones (a slice of only the latter sets the threshold
 * too high). When that slice or the rest lacks failures, every fifth row instead.
 */
export function validationSplit(train: Dataset, share = 0.2): { fit: Dataset; validation: Dataset } {
  const ends = [...train.windowEnds].sort((a, b) => a - b);
  const cut = runStart(train, ends[Math.floor(ends.length * (1 - share))] ?? Infinity);
  const byTime = (i: number) => train.windowEnds[i]! >= cut;
  const everyFifth = (i: number) => i % 5 === 4;
  const hasBoth = (rows: number[]) => rows.some((i) => train.labels[i] === 1) && rows.some((i) => train.labels[i] === 0);
  const indices = train.labels.map((_, i) => i);
  const pick = (inValidation: (i: number) => boolean) => ({
    fit: indices.filter((i) => !inValidation(i)),
    validation: indices.filter(inValidation),
  });
  const timed = pick(byTime);
  const chosen = hasBoth(timed.fit) && hasBoth(timed.validation) ? timed : pick(everyFifth);
  const subset = (rows: number[]): Dataset => ({
    rows: rows.map((i) => train.rows[i]!),
    labels: rows.map((i) => train.labels[i]!),
    windowEnds: rows.map((i) => train.windowEnds[i]!),
    assetIds: rows.map((i) => train.assetIds[i]!),
  });
  return { fit: subset(chosen.fit), validation: subset(chosen.validation) };
}

/** The start of the run of failure-labelled windows that `cut` falls inside (ends at most five grid steps apart), else `cut`. */
function runStart(train: Dataset, cut: number): number {
  const positives = [...new Set(train.windowEnds.filter((_, i) => train.labels[i] === 1))].sort((a, b) => a - b);
  const distinct = [...new Set(train.windowEnds)].sort((a, b) => a - b);
  const step = distinct.length > 1 ? Math.min(...distinct.slice(1).map((t, i) => t - distinct[i]!)) : 0;
  let at = positives.findIndex((t) => t >= cut);
  if (at <= 0 || positives[at]! - cut > 5 * step) return cut;
  while (at > 0 && positives[at]! - positives[at - 1]! <= 5 * step) at -= 1;
  return positives[at]!;
}
