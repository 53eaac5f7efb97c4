/** Small-sample statistics for comparing agents over seeds. */

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (95% intervals). */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

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
  const t = T_975[Math.min(n - 1, T_975.length) - 1]!;
  return { mean, halfWidth: t * Math.sqrt(variance / n) };
}

/** `mean ± halfWidth` to `digits` decimals, or the mean alone when there is no interval (one seed). */
export function formatMeanInterval(m: MeanInterval, digits: number): string {
  return Number.isNaN(m.halfWidth) ? m.mean.toFixed(digits) : `${m.mean.toFixed(digits)} ± ${m.halfWidth.toFixed(digits)}`;
}
