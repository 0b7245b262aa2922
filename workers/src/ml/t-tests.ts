// Student's t distribution and the two tests experiments state: Welch's unequal-variance t-test for
// arms of different assets, and the paired t-test for a shadow scored on the same windows. Each
// returns the difference, its standard error, the two-sided p-value and a 95 % confidence interval.

export interface Sample {
  n: number;
  mean: number;
  /** Unbiased sample variance. */
  variance: number;
}

export interface TTestResult {
  /** Second minus first (Welch), or the mean paired difference. */
  difference: number;
  standardError: number;
  t: number;
  df: number;
  pValue: number;
  ci95: [number, number];
}

export function sampleOf(values: ArrayLike<number>): Sample {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += values[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i += 1) squares += (values[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/** Welch's t-test of b's mean minus a's (Welch-Satterthwaite degrees of freedom). */
export function welchTest(a: Sample, b: Sample): TTestResult {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return resultOf(b.mean - a.mean, se, df);
}

/** The paired t-test of the mean of per-unit differences. */
export function pairedTest(differences: ArrayLike<number>): TTestResult {
  const s = sampleOf(differences);
  return resultOf(s.mean, Math.sqrt(s.variance / s.n), s.n - 1);
}

function resultOf(difference: number, se: number, df: number): TTestResult {
  if (!(se > 0) || !(df > 0)) return { difference, standardError: se, t: Number.NaN, df, pValue: difference === 0 ? 1 : 0, ci95: [difference, difference] };
  const t = difference / se;
  const q = studentQuantile(0.975, df);
  return { difference, standardError: se, t, df, pValue: studentTwoSided(t, df), ci95: [difference - q * se, difference + q * se] };
}

/** P(|T| ≥ |t|) for Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSided(t: number, df: number): number {
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** The p-quantile of Student's t (p ≥ 0.5), by bisection on the two-sided tail. */
export function studentQuantile(p: number, df: number): number {
  const tail = 2 * (1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTwoSided(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-10; i += 1) {
    const mid = (lo + hi) / 2;
    if (studentTwoSided(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast for x < (a + 1) / (a + b + 2); otherwise use the symmetry.
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaFraction(1 - x, b, a)) / b;
  return (front * betaFraction(x, a, b)) / a;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m += 1) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = g[0]!;
  for (let i = 1; i < 9; i += 1) sum += g[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
