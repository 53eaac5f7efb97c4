/**
 * Trailing moving average: point i is the mean of the finite values among records
 * i - window + 1 .. i. NaN values are skipped, and a point whose window holds none is NaN.
 * O(n) with prefix sums.
 *
 * It differs from SB3's `results_plotter` and RL Zoo's `plot_train` (both `window_func` with
 * `np.mean`) at the start: they drop the first window - 1 points, so each plotted point averages
 * a full window, and draw no smoothed curve for a run with fewer records than the window. Here
 * the output has one point per record, and the first window - 1 are the means of the records so
 * far (1, 2, ... of them), so the curve starts at the first record and a short run is still
 * drawn; those early points are noisier than the rest. (np.mean also does not skip NaN: a NaN
 * makes its whole window NaN.)
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
