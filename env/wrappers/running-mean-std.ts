/**
 * Running mean and variance of a stream of vectors (gymnasium.wrappers.utils.RunningMeanStd):
 * Chan et al.'s parallel update, starting from mean 0, var 1 and a tiny count so the first
 * update dominates. Updated in place (no allocation).
 */
/** Serialisable statistics (as a checkpoint stores them). */
export interface RunningStats {
  readonly mean: number[];
  readonly var: number[];
  readonly count: number;
}

export class RunningMeanStd {
  readonly size: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  /** Number of samples seen (plus the initial `epsilon`). */
  count: number;

  /** @param size vector length; @param epsilon initial pseudo-count (Gymnasium's 1e-4) */
  constructor(
    size: number,
    epsilon = 1e-4,
  ) {
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Update with one sample `x` of length `size` (a batch of one: batch variance 0). */
  updateOne(x: ArrayLike<number>): void {
    const total = this.count + 1;
    for (let i = 0; i < this.size; i++) {
      const delta = (x[i] as number) - (this.mean[i] as number);
      this.mean[i] = (this.mean[i] as number) + delta / total;
      const m2 = (this.var[i] as number) * this.count + (delta * delta * this.count) / total;
      this.var[i] = m2 / total;
    }
    this.count = total;
  }

  /** Update with `batchCount` samples stored row-major in `batch` (length `batchCount * size`). */
  update(batch: ArrayLike<number>, batchCount: number): void {
    if (batchCount <= 0) return;
    const total = this.count + batchCount;
    for (let i = 0; i < this.size; i++) {
      let sum = 0;
      for (let k = 0; k < batchCount; k++) sum += batch[k * this.size + i] as number;
      const batchMean = sum / batchCount;
      let sq = 0;
      for (let k = 0; k < batchCount; k++) {
        const d = (batch[k * this.size + i] as number) - batchMean;
        sq += d * d;
      }
      const batchVar = sq / batchCount;
      const delta = batchMean - (this.mean[i] as number);
      this.mean[i] = (this.mean[i] as number) + (delta * batchCount) / total;
      const m2 = (this.var[i] as number) * this.count + batchVar * batchCount + (delta * delta * this.count * batchCount) / total;
      this.var[i] = m2 / total;
    }
    this.count = total;
  }

  /** A copy of the statistics, to be saved. */
  stats(): RunningStats {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restore statistics saved by {@link RunningMeanStd.stats}; throws unless they have `size` elements. */
  loadStats(stats: RunningStats): void {
    if (stats.mean.length !== this.size || stats.var.length !== this.size) {
      throw new Error(`running statistics have dimension ${stats.mean.length}/${stats.var.length}, expected ${this.size}`);
    }
    this.mean.set(stats.mean);
    this.var.set(stats.var);
    this.count = stats.count;
  }
}
