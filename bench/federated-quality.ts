// Part of `npm run bench:quality` (issue 23): federated training with differential privacy beside
// central training on the same rows. Two sites hold half the cycles each (generated with seeds of
// their own); the federated run is simulated in process with the sites' and the core's own code
// (site-update.ts, federated-averaging.ts) at the default policy (ε = 3, δ = 1e-5, σ = 32) and
// without noise. The baseline is logistic regression trained centrally on both sites' rows pooled,
// on the same columns; central training with its derived-feature search and the automatic choice
// of family are printed too, for what federated training gives up. Every model is scored on the
// same held-out cycles.
import { FAILURE_TABLE_FEDERATED_SPEC, failureTableCsv } from '../workers/src/ml/failure-table.ts';
import { encodeRecord, readLabelledTable, recordsOf } from '@threadline/db/models/labelled-table';
import { federatedPolicySchema, HISTOGRAM_BINS } from '@threadline/db/federation/federated-policy';
import { federatedSpecSchema, siteRowsOf } from '@threadline/db/federation/federated-spec';
import { applyRound, decideFromHistograms, initialState } from '@threadline/db/federation/federated-averaging';
import { privacySpent, roundsWithinBudget } from '@threadline/db/federation/privacy-accountant';
import { gradientUpdate, scoreHistogram, secureGaussian, siteScore } from '@threadline/db/federation/site-update';
import { trainTable } from '../workers/src/ml/train-table.ts';
import { scoreRows } from '../workers/src/ml/fit-classifier.ts';
import { auc, confusionAt } from '../workers/src/ml/metrics.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const out = (line: string) => process.stdout.write(`${line}\n`);
const spec = federatedSpecSchema.parse(FAILURE_TABLE_FEDERATED_SPEC);
const siteCsv = [failureTableCsv(ROWS / 2, 2), failureTableCsv(ROWS / 2, 3)];
const heldCsv = failureTableCsv(Math.round(ROWS * 0.4), 4);
const sites = siteCsv.map((csv) => siteRowsOf(spec, recordsOf(csv).records));
const held = siteRowsOf(spec, recordsOf(heldCsv).records);
out(`\nfederated: 2 sites of ${ROWS / 2} cycles each, ${held.rows.length} held-out cycles scored by every model`);

function federated(noise: boolean) {
  const policy = federatedPolicySchema.parse({ sites: ['A', 'B'], ...(noise ? {} : { noiseMultiplier: 10_000, histogramNoise: 10_000, epsilon: 100 }) });
  const rounds = noise ? roundsWithinBudget(policy, policy, { noiseMultiplier: policy.histogramNoise }, policy.maxRounds) : policy.maxRounds;
  const gaussian = noise ? secureGaussian() : () => 0;
  let state = initialState(sites[0]!.rows[0]!.length);
  for (let t = 0; t < rounds; t += 1)
    state = applyRound(
      state,
      sites.map((s) => gradientUpdate(s, state.weights, policy, gaussian)),
      policy.learningRate,
    );
  const decision = decideFromHistograms(
    sites.map((s) => scoreHistogram(s, state.weights, HISTOGRAM_BINS, policy.histogramNoise, gaussian)),
    HISTOGRAM_BINS,
  );
  const scores = held.rows.map((row) => siteScore(state.weights, row));
  const epsilon = privacySpent(
    [
      { noiseMultiplier: policy.noiseMultiplier, count: rounds },
      { noiseMultiplier: policy.histogramNoise, count: 1 },
    ],
    policy.delta,
  ).epsilon;
  return { auc: auc(scores, held.labels) ?? 0.5, f1: confusionAt(scores, held.labels, decision.threshold).f1, rounds, epsilon, delta: policy.delta };
}

const pooled = readLabelledTable([siteCsv[0]!.trimEnd(), ...siteCsv[1]!.trimEnd().split('\n').slice(1)].join('\n'), {
  label: 'failure',
  drop: ['cycle_id', 'timestamp', 'shift'],
});
const heldRecords = recordsOf(heldCsv).records;
const central = async (family: 'logistic' | 'auto', derive: boolean) => {
  const trained = await trainTable(pooled, { family, timed: false, seed: 7, name: `central-${family}`, derive });
  const scores = scoreRows(
    trained.model,
    heldRecords.map((r) => encodeRecord(trained.encoding, r)),
  );
  const labels = heldRecords.map((r) => Number(r.get('failure')));
  return { auc: auc(scores, labels) ?? 0.5, f1: confusionAt(scores, labels, trained.threshold).f1, chosen: String(trained.metrics.chosen) };
};

const base = await central('logistic', false);
const line = (label: string, r: { auc: number; f1: number }, note: string) =>
  out(`${label.padEnd(34)} AUC ${r.auc.toFixed(3)}   F1 ${r.f1.toFixed(3)}   ${note}`);
const versus = (r: { auc: number }) => `AUC ${r.auc - base.auc >= 0 ? '+' : ''}${(r.auc - base.auc).toFixed(3)} vs baseline`;
line('central logistic, pooled rows', base, "(baseline: every row at the core; the table's columns, without the spec's three derived)");
const derived = await central('logistic', true);
line('central logistic + derived search', derived, versus(derived));
const best = await central('auto', true);
line(`central ${best.chosen}`.slice(0, 34), best, versus(best));
const plain = federated(false);
line('federated, no noise', plain, `${versus(plain)}, ${plain.rounds} rounds`);
const private_ = federated(true);
line(
  `federated, DP ε ${private_.epsilon.toFixed(2)} δ ${private_.delta.toExponential()}`,
  private_,
  `${versus(private_)} (goal: within 0.05), ${private_.rounds} rounds; no row left its site`,
);
