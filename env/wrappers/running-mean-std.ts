/**
 * Running mean and variance of a stream of vectors (gymnasium.wrappers.utils.RunningMeanStd):
 * Chan et al.'s parallel update, starting from mean 0, var 1 and a tiny count so the first
 * update dominates. Updated in place (no allocation when every value is finite). A sample with a
 * NaN or an infinity is left out (Gymnasium's takes it, and its statistics stay NaN for good):
 * the updates say how many they left out, for their callers to warn.
 */
import { InvalidArgumentError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { warn } from '../core/logger.ts';

/**
 * Warns, once per `warned` holder, that `owner` left a value that is not finite (`what`: an
 * observation, a reward) out of its running statistics.
 */
export function warnLeftOut(warned: { warnedNonFinite: boolean }, owner: string, what: string): void {
  if (warned.warnedNonFinite) return;
  warned.warnedNonFinite = true;
  warn(`${owner}: ${what} holds NaN or an infinity; it is left out of the running statistics (which it would make NaN for good) and passed on as it normalises (warned once)`);
}
/** Serialisable statistics (as a checkpoint stores them). */
export interface RunningStats {
  readonly mean: number[];
  readonly var: number[];
  readonly count: number;
}

/**
 * Running mean and variance of a stream of vectors (gymnasium.wrappers.utils.RunningMeanStd), kept
 * in float64; a sample holding a NaN or an infinity is left out (`update` returns how many it left out).
 */
export class RunningMeanStd {
  /** Vector length. */
  readonly size: number;
  /** Running mean per element. */
  readonly mean: Float64Array;
  /** Running (population) variance per element. */
  readonly var: Float64Array;
  /** Number of samples seen (plus the initial `epsilon`). */
  count: number;

  /** @param size vector length; @param epsilon initial pseudo-count (Gymnasium's 1e-4) */
  constructor(
    size: number,
    epsilon = 1e-4,
  ) {
    if (!(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) throw new InvalidArgumentError(`RunningMeanStd: size must be an integer >= 0, got ${formatValue(size)}`);
    if (!(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon >= 0)) throw new InvalidArgumentError(`RunningMeanStd: epsilon must be a finite number >= 0, got ${formatValue(epsilon)}`);
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Update with one sample `x` of length `size` (a batch of one: batch variance 0); false when it was left out (not finite). */
  updateOne(x: ArrayLike<number>): boolean {
    if (x.length !== this.size) throw new InvalidArgumentError(`RunningMeanStd.updateOne: a sample has ${this.size} values, got ${x.length}`);
    for (let i = 0; i < this.size; i++) if (!Number.isFinite(x[i])) return false;
    const total = this.count + 1;
    for (let i = 0; i < this.size; i++) {
      const delta = (x[i] as number) - (this.mean[i] as number);
      this.mean[i] = (this.mean[i] as number) + delta / total;
      const m2 = (this.var[i] as number) * this.count + (delta * delta * this.count) / total;
      this.var[i] = m2 / total;
    }
    this.count = total;
    return true;
  }

  /**
   * Update with `batchCount` samples stored row-major in `batch` (at least `batchCount * size`
   * values); returns how many samples were left out (those holding a value that is not finite).
   */
  update(batch: ArrayLike<number>, batchCount: number): number {
    if (!(Number.isSafeInteger(batchCount) && batchCount >= 0)) throw new InvalidArgumentError(`RunningMeanStd.update: batchCount must be an integer >= 0, got ${formatValue(batchCount)}`);
    if (batch.length < batchCount * this.size) throw new InvalidArgumentError(`RunningMeanStd.update: ${batchCount} samples of ${this.size} need ${batchCount * this.size} values, got ${batch.length}`);
    let finite = true;
    for (let j = 0; j < batchCount * this.size && finite; j++) finite = Number.isFinite(batch[j]);
    if (!finite) return this.updateFiniteRows(batch, batchCount);
    this.updateBatch(batch, batchCount);
    return 0;
  }

  /** {@link update} with the samples that are finite throughout; returns how many were left out. */
  private updateFiniteRows(batch: ArrayLike<number>, batchCount: number): number {
    const size = this.size;
    const kept: number[] = [];
    for (let k = 0; k < batchCount; k++) {
      let finite = true;
      for (let i = 0; i < size && finite; i++) finite = Number.isFinite(batch[k * size + i]);
      if (finite) for (let i = 0; i < size; i++) kept.push(batch[k * size + i]!);
    }
    const rows = size === 0 ? batchCount : kept.length / size;
    this.updateBatch(kept, rows);
    return batchCount - rows;
  }

  private updateBatch(batch: ArrayLike<number>, batchCount: number): void {
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
