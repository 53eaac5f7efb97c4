/**
 * Trailing moving average: point i is the mean of the finite values among records
 * i - window + 1 .. i. NaN values are skipped, and a point whose window holds none is NaN.
 * O(n), with partial sums per block of `window` records.
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
  // partial sums restarted every `window` records, so a window (which spans at most two such
  // blocks) is summed from its own blocks: sums over the whole run cancelled a late window's digits
  // (a loss of 1e-3 after values of 1e8 kept 8 of them; window 1 did not return the raw values)
  const sums = new Float64Array(n);
  const counts = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const finite = Number.isFinite(values[i]!);
    const blockStart = i % window === 0;
    sums[i] = (blockStart ? 0 : sums[i - 1]!) + (finite ? values[i]! : 0);
    counts[i] = (blockStart ? 0 : counts[i - 1]!) + (finite ? 1 : 0);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = sums[i]!;
    let count = counts[i]!;
    // the window's part in the previous block: records from .. block - 1
    const from = i + 1 - window;
    const block = i - (i % window);
    if (from > 0 && from < block) {
      sum += sums[block - 1]! - sums[from - 1]!;
      count += counts[block - 1]! - counts[from - 1]!;
    }
    out[i] = count === 0 ? NaN : sum / count;
  }
  return out;
}
