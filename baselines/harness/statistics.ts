/** Small-sample statistics for comparing agents over seeds. */

/** The 0.975 quantiles of Student's t for 1..30 degrees of freedom (two-sided 95% intervals). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
/** The 0.975 quantile of the standard normal. */
const Z_975 = 1.959963984540054;

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: the table up to 30, then the
 * Cornish-Fisher expansion in 1/df (within 1e-4 of the exact quantile from 30 on); the normal's
 * for infinite df. A df that is no integer >= 1 is a RangeError (the table would give undefined).
 */
export function tQuantile975(df: number): number {
  if (!(Number.isSafeInteger(df) && df >= 1) && df !== Infinity) throw new RangeError(`tQuantile975: df must be an integer >= 1 (or Infinity), got ${df}`);
  if (df <= T_975.length) return T_975[df - 1]!;
  const z = Z_975;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

/** Mean and the half-width of its 95% confidence interval (NaN for a single sample: one seed gives no interval). */
export interface MeanInterval {
  mean: number;
  halfWidth: number;
}

export function meanInterval(samples: readonly number[]): MeanInterval {
  const n = samples.length;
  if (n === 0) throw new RangeError('meanInterval: no samples');
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, halfWidth: Number.NaN };
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
