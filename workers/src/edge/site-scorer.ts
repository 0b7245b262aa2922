// Scores a deployment's assets on site as their readings arrive: with the bundle's verified model
// (the same features, ONNX graph and explanations as the cloud), or, when no model verifies or
// loads, with the asset type's ranges from the signed manifest (fail-safe). A window is scored once
// every signal of its asset has reported past its end. Insights open and close by the cloud's
// rules (insight-rules.ts), so the site sees what the core will record when the windows reach it.
import type { BundleManifest } from '@threadline/db/models/edge-bundle';
import type { CompactExplanation, ExplanationEntry } from '@threadline/db/models/explanation';
import { featureNames, type FeatureSpec } from '@threadline/db/models/feature-spec';
import { isStreamingSpec } from '@threadline/db/models/streaming-spec';
import { insightTransitions, severityOf } from '@threadline/db/insights/insight-rules';
import { computeFeatures, gridEnds, scorable, type AssetSeries } from '../ml/features.ts';
import { explainedScores } from '../ml/explained-scores.ts';
import { OnnxRunner } from '../ml/onnx-runner.ts';
import { rangeSpec, rangeWindows } from '../ml/range-rules.ts';

export type SiteMode = { kind: 'MODEL'; runner: OnnxRunner } | { kind: 'FALLBACK'; reason: string };

/** The verified model of a bundle, loaded; or why it cannot run here (its scorer then runs the ranges). */
export async function modelMode(manifest: BundleManifest, onnx: Uint8Array): Promise<SiteMode> {
  if (isStreamingSpec(manifest.featureSpec)) return { kind: 'FALLBACK', reason: 'streaming detectors are not run at the edge yet' };
  try {
    return { kind: 'MODEL', runner: await OnnxRunner.load(onnx, featureNames(manifest.featureSpec).length) };
  } catch (error) {
    return { kind: 'FALLBACK', reason: `the model does not load: ${(error as Error).message}` };
  }
}

/** One scored window, as forwarded to the core. */
export interface SiteWindow {
  kind: 'MODEL' | 'FALLBACK';
  deploymentId: string;
  versionId?: string;
  assetId: string;
  assetCode: string;
  windowEnd: number;
  windowMs: number;
  score: number;
  compact?: CompactExplanation;
  title: string;
  explanation: ExplanationEntry[];
  earliestReceived: number | null;
  raisedAt: number | null;
}

export interface SiteInsight {
  assetCode: string;
  severity: 'WARNING' | 'CRITICAL';
  title: string;
  explanation: ExplanationEntry[];
  windowEnd: number;
  fromFallback: boolean;
}

interface AssetState {
  id: string;
  series: AssetSeries;
  /** Latest reading time per signal. */
  latest: Map<string, number>;
  scoredThrough: number;
}

/** How much raw history the scorer keeps beyond its window: the held sample an update's smoke test scores. */
const HELD_MS = 30 * 60_000;

export class SiteScorer {
  readonly spec: FeatureSpec;
  /** The signal names the current mode reads. */
  readonly signals: ReadonlySet<string>;
  private readonly threshold: number;
  private readonly assets = new Map<string, AssetState>();
  /** Assets with an open insight, and the window end it was raised at. */
  private readonly open = new Map<string, number>();

  constructor(
    readonly manifest: BundleManifest,
    readonly mode: SiteMode,
    private readonly now: () => number,
  ) {
    const rules = manifest.fallbackRules;
    if (mode.kind === 'FALLBACK' && (!rules || rules.properties.length === 0))
      throw new Error(`no model verifies (${mode.reason}) and the bundle carries no fallback ranges`);
    this.spec = mode.kind === 'MODEL' ? manifest.featureSpec : rangeSpec(rules!.properties, rules!.windowSeconds, rules!.stepSeconds);
    this.threshold = mode.kind === 'MODEL' ? manifest.threshold : 0.5;
    this.signals = new Set(this.spec.signals.map((s) => s.name));
    for (const [code, asset] of Object.entries(manifest.assets ?? {}))
      this.assets.set(code, { id: asset.id, series: new Map(), latest: new Map(), scoredThrough: -Infinity });
  }

  add(assetCode: string, signal: string, t: number, v: number, receivedAt: number): void {
    const asset = this.assets.get(assetCode);
    if (!asset || !this.signals.has(signal) || !Number.isFinite(t) || !Number.isFinite(v)) return;
    if (asset.scoredThrough === -Infinity) asset.scoredThrough = t - 1;
    let points = asset.series.get(signal);
    if (!points) asset.series.set(signal, (points = { t: [], v: [], r: [] }));
    if (points.t.length > 0 && t <= points.t.at(-1)!) return;
    points.t.push(t);
    points.v.push(v);
    points.r!.push(receivedAt);
    asset.latest.set(signal, t);
  }

  /** Scores the windows every signal has reported past, oldest first; returns them and the insights they raise. */
  async advance(): Promise<{ windows: SiteWindow[]; insights: SiteInsight[] }> {
    const windows: SiteWindow[] = [];
    const windowMs = this.spec.windowSeconds * 1000;
    for (const [code, asset] of this.assets) {
      if (asset.latest.size < this.signals.size) continue;
      const watermark = Math.min(...asset.latest.values());
      const ends = gridEnds(this.spec, asset.scoredThrough, watermark);
      if (ends.length === 0) continue;
      asset.scoredThrough = ends.at(-1)!;
      windows.push(...(await this.score(code, asset, ends, windowMs)));
      trim(asset.series, asset.scoredThrough - windowMs - HELD_MS);
    }
    const { raise, close } = insightTransitions(this.open, windows, this.threshold);
    for (const assetId of close) this.open.delete(assetId);
    const insights: SiteInsight[] = [];
    for (const { window, closedAt } of raise) {
      window.raisedAt = this.now();
      if (closedAt === null) this.open.set(window.assetId, window.windowEnd);
      insights.push({
        assetCode: window.assetCode,
        severity: severityOf(window.score, this.threshold),
        title: window.title,
        explanation: window.explanation,
        windowEnd: window.windowEnd,
        fromFallback: window.kind === 'FALLBACK',
      });
    }
    return { windows, insights };
  }

  /** Takes over another scorer's readings and open insights (an update replacing the model in place). */
  adopt(previous: SiteScorer): void {
    for (const [code, asset] of previous.assets) {
      const mine = this.assets.get(code);
      if (!mine) continue;
      mine.series = asset.series;
      mine.latest = asset.latest;
      mine.scoredThrough = asset.scoredThrough;
    }
    for (const [assetId, since] of previous.open) this.open.set(assetId, since);
  }

  /** Scores of the windows held: those scored in the last half hour, on this scorer's own spec. */
  async heldScores(): Promise<{ scores: number[]; threshold: number }> {
    const scores: number[] = [];
    for (const [code, asset] of this.assets) {
      if (asset.scoredThrough === -Infinity) continue;
      const ends = gridEnds(this.spec, asset.scoredThrough - HELD_MS, asset.scoredThrough);
      for (const w of await this.score(code, asset, ends, this.spec.windowSeconds * 1000)) scores.push(w.score);
    }
    return { scores, threshold: this.threshold };
  }

  private async score(code: string, asset: AssetState, ends: number[], windowMs: number): Promise<SiteWindow[]> {
    const base = { deploymentId: this.manifest.deploymentId, assetId: asset.id, assetCode: code, windowMs, raisedAt: null };
    if (this.mode.kind === 'FALLBACK') {
      return rangeWindows(this.spec, asset.series, ends).map((w) => ({
        ...base,
        kind: 'FALLBACK' as const,
        windowEnd: w.windowEnd,
        score: w.score,
        title: w.title,
        explanation: w.score > 0 ? w.breaches : [],
        earliestReceived: w.earliestReceived,
      }));
    }
    const attributes = new Map(Object.entries(this.manifest.assetAttributes?.[code] ?? {}));
    const rows = computeFeatures(this.spec, asset.series, ends, attributes).filter(scorable);
    const explained = await explainedScores(this.mode.runner, this.spec, this.manifest.task, rows);
    return rows.map((row, i) => {
      const { score, explanation, describe } = explained[i]!;
      const described = score >= this.threshold ? describe() : { explanation: [], title: '' };
      return {
        ...base,
        kind: 'MODEL' as const,
        versionId: this.manifest.versionId,
        windowEnd: row.windowEnd,
        score,
        compact: explanation,
        title: described.title,
        explanation: described.explanation,
        earliestReceived: row.earliestReceived,
      };
    });
  }
}

/** Drops points no window still to be scored reads. */
function trim(series: AssetSeries, before: number): void {
  for (const points of series.values()) {
    let drop = 0;
    while (drop < points.t.length && points.t[drop]! <= before) drop += 1;
    if (drop === 0) continue;
    points.t.splice(0, drop);
    points.v.splice(0, drop);
    points.r?.splice(0, drop);
  }
}
