/**
 * Trailing moving average, as SB3's `results_plotter` and RL Zoo's `plot_train` smooth episode
 * returns: point i is the mean of the last `window` finite values up to i (fewer at the start;
 * NaN values are skipped, and a point with none is NaN). O(n) with prefix sums.
 */
export function trailingMean(values: Float64Array, window: number): Float64Array {
  const n = values.length;
  const sums = new Float64Array(n + 1);
  const counts = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const finite = Number.isFinite(values[i]!);
    sums[i + 1] = sums[i]! + (finite ? values[i]! : 0);
    counts[i + 1] = counts[i]! + (finite ? 1 : 0);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const from = Math.max(0, i + 1 - window);
    const count = counts[i + 1]! - counts[from]!;
    out[i] = count === 0 ? NaN : (sums[i + 1]! - sums[from]!) / count;
  }
  return out;
}
