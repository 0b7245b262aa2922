// The privacy accountant of federated training: Rényi differential privacy (Mironov 2017), the
// accountant of DP-SGD and DP-FedAvg in Opacus and TensorFlow Privacy. A release of a sum whose L2
// sensitivity is S, with Gaussian noise of standard deviation σ·S, has RDP ε(α) = α / (2σ²) at
// every order α > 1; releases compose by adding their RDP; the run is then (ε, δ)-DP with
// ε = min over α of RDP(α) + ln(1/δ) / (α − 1). Every site's every round releases over all of its
// rows (no sampling), so no amplification by subsampling is claimed.

/** One kind of Gaussian release: its noise multiplier σ (noise sd over sensitivity) and how often it happened. */
export interface GaussianReleases {
  noiseMultiplier: number;
  count: number;
}

export interface PrivacySpent {
  epsilon: number;
  delta: number;
  /** The Rényi order at which the bound is tightest. */
  order: number;
}

/** Opacus' default orders: 1.1 to 10.9 by tenths, then 12 to 63. */
export const RDP_ORDERS: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => Math.round((1 + (i + 1) / 10) * 10) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
];

/** RDP of the releases at order α. */
export function rdpAt(releases: readonly GaussianReleases[], order: number): number {
  return releases.reduce((total, r) => total + (r.count * order) / (2 * r.noiseMultiplier * r.noiseMultiplier), 0);
}

/** The (ε, δ) the releases spend: the tightest conversion over RDP_ORDERS. */
export function privacySpent(releases: readonly GaussianReleases[], delta: number): PrivacySpent {
  if (!(delta > 0 && delta < 1)) throw new RangeError('delta must lie strictly between 0 and 1');
  if (releases.some((r) => !(r.noiseMultiplier > 0) || r.count < 0)) throw new RangeError('noise multipliers must be positive and counts not negative');
  if (releases.every((r) => r.count === 0)) return { epsilon: 0, delta, order: Infinity };
  let best: PrivacySpent = { epsilon: Infinity, delta, order: NaN };
  for (const order of RDP_ORDERS) {
    const epsilon = rdpAt(releases, order) + Math.log(1 / delta) / (order - 1);
    if (epsilon < best.epsilon) best = { epsilon, delta, order };
  }
  return best;
}

/**
 * How many gradient rounds fit the budget when a final release (the score histograms that set the
 * threshold) is spent too: the largest T ≤ maxRounds whose total ε stays within `epsilon`.
 */
export function roundsWithinBudget(
  budget: { epsilon: number; delta: number },
  round: { noiseMultiplier: number },
  final: { noiseMultiplier: number },
  maxRounds: number,
): number {
  const spent = (t: number) =>
    privacySpent(
      [
        { ...round, count: t },
        { ...final, count: 1 },
      ],
      budget.delta,
    ).epsilon;
  let rounds = 0;
  while (rounds < maxRounds && spent(rounds + 1) <= budget.epsilon) rounds += 1;
  return rounds;
}
