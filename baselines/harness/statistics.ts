/** Small-sample statistics for comparing agents over seeds. */

/** The 0.975 quantile of the standard normal. */
const Z_975 = 1.959963984540054;
/** Up to this many degrees of freedom the quantile is solved from the exact distribution; beyond, the expansion is within 1e-15. */
const EXACT_DF = 1000;

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom, within 1e-13 relative: up to
 * 1,000 solved from the distribution function, then the Cornish-Fisher expansion in 1/df; the
 * normal's for infinite df. (A table of 3 decimals put the last printed digit of some intervals
 * off by one.) A df that is no integer >= 1 is a RangeError.
 */
export function tQuantile975(df: number): number {
  if (!(Number.isSafeInteger(df) && df >= 1) && df !== Infinity) throw new RangeError(`tQuantile975: df must be an integer >= 1 (or Infinity), got ${df}`);
  if (df <= EXACT_DF) {
    // bisection of P(|T| <= t) = 0.95 between the normal's quantile and df = 1's (12.71)
    let low = Z_975;
    let high = 12.8;
    for (let i = 0; i < 200 && high - low > 0; i++) {
      const mid = (low + high) / 2;
      if (mid === low || mid === high) break;
      if (tCentralProbability(mid, df) < 0.95) low = mid;
      else high = mid;
    }
    return (low + high) / 2;
  }
  const z = Z_975;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/**
 * P(|T| <= t) for Student's t with an integer `df`: the finite sums in cos(theta), theta =
 * atan(t / sqrt(df)), of Abramowitz and Stegun 26.7.3 (odd df) and 26.7.4 (even df).
 */
function tCentralProbability(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const cos = Math.cos(theta);
  const cos2 = cos * cos;
  if (df % 2 === 1) {
    // (2/pi) [theta + sin(theta) (cos + (2/3) cos^3 + (2 4)/(3 5) cos^5 + ... + cos^(df-2) term)]
    let term = cos;
    let sum = 0;
    for (let k = 1; k <= (df - 1) / 2; k++) {
      sum += term;
      term *= (cos2 * 2 * k) / (2 * k + 1);
    }
    return (2 / Math.PI) * (theta + Math.sin(theta) * sum);
  }
  // sin(theta) [1 + (1/2) cos^2 + (1 3)/(2 4) cos^4 + ... + cos^(df-2) term]
  let term = 1;
  let sum = 0;
  for (let k = 0; k < df / 2; k++) {
    sum += term;
    term *= (cos2 * (2 * k + 1)) / (2 * k + 2);
  }
  return Math.sin(theta) * sum;
}

/** A sample mean and the half-width of its 95% confidence interval (see {@link meanInterval}). */
export interface MeanInterval {
  mean: number;
  halfWidth: number;
}

/**
 * Mean of `samples` and the half-width of its 95% Student-t confidence interval: NaN for a single
 * sample (one seed gives no interval); Infinity when a sample is infinite (an infinite reward,
 * say: the spread is unbounded), NaN when one is NaN. Throws a RangeError for no samples.
 */
export function meanInterval(samples: readonly number[]): MeanInterval {
  const n = samples.length;
  if (n === 0) throw new RangeError('meanInterval: no samples');
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, halfWidth: Number.NaN };
  // (x - mean) of an infinite x and mean is NaN, which would read as "one sample"
  if (!samples.every(Number.isFinite)) return { mean, halfWidth: samples.some(Number.isNaN) ? Number.NaN : Infinity };
  const variance = samples.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const t = tQuantile975(n - 1);
  return { mean, halfWidth: t * Math.sqrt(variance / n) };
}

/** `mean ± halfWidth` to `digits` decimals, or the mean alone when there is no interval (one seed). */
export function formatMeanInterval(m: MeanInterval, digits: number): string {
  return Number.isNaN(m.halfWidth) ? m.mean.toFixed(digits) : `${m.mean.toFixed(digits)} ± ${m.halfWidth.toFixed(digits)}`;
}

/** `x` to `digits` decimals with its sign: '+' before a positive value (a difference reads as one), none before 0 or NaN. */
export function formatSigned(x: number, digits: number): string {
  return `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;
}

/** A mean difference with its sign and interval, as `compare`'s "vs" columns and the analysis scripts print it (see {@link formatSigned}). */
export function formatSignedMeanInterval(m: MeanInterval, digits: number): string {
  return `${m.mean > 0 ? '+' : ''}${formatMeanInterval(m, digits)}`;
}

/**
 * The interquartile mean: the mean of the middle half of the samples once sorted, floor(n/4) of
 * them cut from each end (scipy's trim_mean(x, 0.25), as rliable computes it). Agarwal et al.
 * (2021) recommend it over the mean for few runs: one odd run moves it less. NaN when a sample is
 * NaN, as trim_mean gives (a sort cannot place NaN, so the middle half would depend on the order).
 */
export function interquartileMean(samples: readonly number[]): number {
  const n = samples.length;
  if (n === 0) throw new RangeError('interquartileMean: no samples');
  if (samples.some(Number.isNaN)) return Number.NaN;
  const cut = Math.floor(n / 4);
  const middle = [...samples].sort((a, b) => a - b).slice(cut, n - cut);
  return middle.reduce((a, b) => a + b, 0) / middle.length;
}
