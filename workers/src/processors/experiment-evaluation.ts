// The evaluation of a running experiment. Each arm's windows whose horizon has passed get the
// stated metric (Brier score or log loss of the risk score against the incident label; lower is
// better), averaged per asset and hour: the unit of evidence, so that overlapping neighbouring
// windows do not pass for independent observations. The stated test compares the arms: Welch's
// t-test between the asset-hours of an A/B test's arms, the paired t-test over the asset-hours a
// shadow and the champion both scored. The result (arms, difference with its 95 % confidence
// interval, p-value, relative improvement, verdict) is stored on the experiment. A challenger better
// at the 5 % level by at least the policy's promotion margin becomes the champion when the policy
// allows automatic promotion, with the result as evidence in the audit trail; otherwise an
// approver decides (requestModelPromotion carries the result).
import type pg from 'pg';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { assetsScoredBy } from '@threadline/db/models/deployment-scope';
import { CHAMPION_ALIAS, experimentToEvaluate, recordExperimentResult, type ExperimentMetric } from '@threadline/db/models/experiments';
import { modelPolicySchema } from '@threadline/db/models/model-policy';
import { predictionsBetween, type ScoredWindow } from '@threadline/db/models/predictions';
import { moveAlias } from '@threadline/db/models/registry';
import { horizonMsOf } from '@threadline/db/models/training-params';
import { inTransaction, rawSqlOf } from '@threadline/db/sql';
import { trainingSourceOf } from '@threadline/db/models/training-data';
import { loadLabels, windowLabel, type AssetLabels } from '../ml/dataset.ts';
import { pairedTest, sampleOf, welchTest, type TTestResult } from '../ml/t-tests.ts';
import { systemClock } from '@threadline/db/clock';

export const ALPHA = 0.05;
const UNIT_MS = 3_600_000;
const PROBABILITY_FLOOR = 1e-6;

export type Verdict = 'COLLECTING' | 'CHALLENGER_BETTER' | 'CHAMPION_BETTER' | 'INCONCLUSIVE';

export interface ArmSummary {
  windows: number;
  units: number;
  /** Mean of the units' mean losses. */
  mean: number | null;
}

export interface ExperimentResult {
  metric: ExperimentMetric;
  statisticalTest: 'welch_t' | 'paired_t';
  unit: 'asset-hour';
  lowerIsBetter: true;
  champion: ArmSummary;
  challenger: ArmSummary;
  /** Challenger minus champion (negative: the challenger's loss is lower). */
  difference: number | null;
  ci95: [number, number] | null;
  pValue: number | null;
  df: number | null;
  /** (champion − challenger) / champion. */
  relativeImprovement: number | null;
  alpha: number;
  verdict: Verdict;
  windowsUpTo: string;
  evaluatedAt: string;
}

export interface ExperimentEvaluation {
  result: ExperimentResult;
  promoted: boolean;
}

const LOSS: Record<ExperimentMetric, (score: number, label: number) => number> = {
  brier: (s, y) => (s - y) ** 2,
  log_loss: (s, y) => {
    const p = Math.min(1 - PROBABILITY_FLOOR, Math.max(PROBABILITY_FLOOR, s));
    return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  },
};

export async function runExperimentEvaluation(
  pool: pg.Pool,
  payload: { organizationId: string; experimentId: string },
  now = systemClock.nowMs(),
): Promise<ExperimentEvaluation | null> {
  const x = await experimentToEvaluate(rawSqlOf(pool), payload.organizationId, payload.experimentId);
  const spec = x?.featureSpec;
  if (!x || !spec || !(x.metric in LOSS)) return null;
  const policy = modelPolicySchema.parse(x.policy ?? {});
  const horizonMs = horizonMsOf(x.params);
  const windowMs = spec.windowSeconds * 1000;
  const upTo = now - horizonMs;
  const started = x.started;

  const arm = (deploymentId: string) => predictionsBetween(pool, payload.organizationId, deploymentId, { from: started, to: upTo, fromInclusive: true });
  const [championRows, challenger, challengerScope] = await Promise.all([
    arm(x.championDeploymentId),
    arm(x.challengerDeploymentId),
    assetsScoredBy(rawSqlOf(pool), payload.organizationId, x.challengerDeploymentId),
  ]);
  // An A/B test's champion arm is what the champion scored outside the challenger's assets.
  const challengerAssets = new Set(challengerScope);
  const champion = championRows.filter((r) => x.kind === 'SHADOW' || !challengerAssets.has(r.assetId));
  const assetIds = [...new Set([...champion, ...challenger].map((r) => r.assetId))];
  const { byAsset } = await loadLabels(trainingSourceOf(pool, payload.organizationId, null), assetIds, { from: started, to: upTo, windowMs, horizonMs });
  const loss = lossesOf(byAsset, windowMs, horizonMs, LOSS[x.metric]);
  const a = loss(champion);
  const b = loss(challenger);

  const result = x.kind === 'AB_TEST' ? compareArms(a, b) : comparePairs(a, b);
  const full: ExperimentResult = {
    metric: x.metric,
    statisticalTest: x.kind === 'AB_TEST' ? 'welch_t' : 'paired_t',
    unit: 'asset-hour',
    lowerIsBetter: true,
    alpha: ALPHA,
    ...result,
    windowsUpTo: new Date(upTo).toISOString(),
    evaluatedAt: new Date(now).toISOString(),
  };
  const promote = policy.autoPromote && full.verdict === 'CHALLENGER_BETTER' && (full.relativeImprovement ?? 0) >= policy.promoteMargin;
  return inTransaction(pool, async (db) => {
    const recorded = await recordExperimentResult(db, payload.organizationId, payload.experimentId, full as unknown as JsonValue, new Date(now));
    if (!recorded || !promote) return { result: full, promoted: false };
    await moveAlias(
      db,
      payload.organizationId,
      x.modelId,
      CHAMPION_ALIAS,
      x.challengerVersionId,
      { kind: 'SYSTEM', id: null, label: 'worker:experiment' },
      {
        experimentId: payload.experimentId,
        automatic: true,
        promoteMargin: policy.promoteMargin,
        result: full as unknown as JsonValue,
      },
    );
    return { result: full, promoted: true };
  });
}

/** Per (asset, hour): the window losses of scored windows that have a label. */
function lossesOf(byAsset: ReadonlyMap<string, AssetLabels>, windowMs: number, horizonMs: number, loss: (score: number, label: number) => number) {
  return (rows: readonly ScoredWindow[]): Map<string, Map<number, number>> => {
    const units = new Map<string, Map<number, number>>();
    for (const r of rows) {
      const t = r.t;
      const label = windowLabel(byAsset.get(r.assetId), t, windowMs, horizonMs);
      if (label === null) continue;
      const key = `${r.assetId}|${Math.floor(t / UNIT_MS)}`;
      if (!units.has(key)) units.set(key, new Map());
      units.get(key)!.set(t, loss(r.score, label));
    }
    return units;
  };
}

const meanOf = (values: Iterable<number>) => {
  let s = 0;
  let n = 0;
  for (const v of values) {
    s += v;
    n += 1;
  }
  return s / n;
};
const windowsIn = (units: Map<string, Map<number, number>>) => [...units.values()].reduce((n, u) => n + u.size, 0);

type Comparison = Pick<ExperimentResult, 'champion' | 'challenger' | 'difference' | 'ci95' | 'pValue' | 'df' | 'relativeImprovement' | 'verdict'>;

/** Welch's test between the arms' unit means. */
function compareArms(a: Map<string, Map<number, number>>, b: Map<string, Map<number, number>>): Comparison {
  const ma = [...a.values()].map((u) => meanOf(u.values()));
  const mb = [...b.values()].map((u) => meanOf(u.values()));
  const champion = { windows: windowsIn(a), units: ma.length, mean: ma.length ? meanOf(ma) : null };
  const challenger = { windows: windowsIn(b), units: mb.length, mean: mb.length ? meanOf(mb) : null };
  if (ma.length < 2 || mb.length < 2) return collecting(champion, challenger);
  return verdictOf(champion, challenger, welchTest(sampleOf(ma), sampleOf(mb)));
}

/** The paired test over the units where both scored the same windows: per unit, the mean difference. */
function comparePairs(a: Map<string, Map<number, number>>, b: Map<string, Map<number, number>>): Comparison {
  const pairs: { champion: number; challenger: number }[] = [];
  let windows = 0;
  for (const [key, unitB] of b) {
    const unitA = a.get(key);
    if (!unitA) continue;
    const both = [...unitB].filter(([t]) => unitA.has(t));
    if (both.length === 0) continue;
    windows += both.length;
    pairs.push({ champion: meanOf(both.map(([t]) => unitA.get(t)!)), challenger: meanOf(both.map(([, v]) => v)) });
  }
  const champion = { windows, units: pairs.length, mean: pairs.length ? meanOf(pairs.map((p) => p.champion)) : null };
  const challenger = { windows, units: pairs.length, mean: pairs.length ? meanOf(pairs.map((p) => p.challenger)) : null };
  if (pairs.length < 2) return collecting(champion, challenger);
  return verdictOf(champion, challenger, pairedTest(pairs.map((p) => p.challenger - p.champion)));
}

function collecting(champion: ArmSummary, challenger: ArmSummary): Comparison {
  return { champion, challenger, difference: null, ci95: null, pValue: null, df: null, relativeImprovement: null, verdict: 'COLLECTING' };
}

function verdictOf(champion: ArmSummary, challenger: ArmSummary, test: TTestResult): Comparison {
  const significant = test.pValue < ALPHA;
  const verdict: Verdict = !significant ? 'INCONCLUSIVE' : test.difference < 0 ? 'CHALLENGER_BETTER' : 'CHAMPION_BETTER';
  const relativeImprovement = champion.mean ? (champion.mean - challenger.mean!) / champion.mean : null;
  return { champion, challenger, difference: test.difference, ci95: test.ci95, pValue: test.pValue, df: test.df, relativeImprovement, verdict };
}
