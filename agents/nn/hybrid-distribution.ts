/**
 * The policy distribution over a mixed action space: independent categoricals for the discrete
 * dimensions and a diagonal Gaussian for the continuous ones, all dimensions independent given
 * the state, so the joint log-probability and the entropy are the sums of the parts'.
 *
 * The policy head emits one row `[logits (sum nvec) | means (C)]` per state.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../env/core/rng.ts';
import { DiagonalGaussian } from './diagonal-gaussian.ts';
import { MultiCategorical } from './multi-categorical.ts';

/**
 * The policy's action distribution over a mixed action space: independent categoricals for the
 * discrete dimensions and a diagonal Gaussian for the continuous ones, from one head row `[logits |
 * means]` per state.
 */
export class HybridDistribution {
  readonly categorical: MultiCategorical | undefined;
  readonly gaussian: DiagonalGaussian | undefined;

  /** `nvec`: choices per discrete dimension (may be empty); `continuousDims`: Gaussian dimensions (may be 0). */
  constructor(nvec: ArrayLike<number>, continuousDims: number) {
    if (nvec.length === 0 && continuousDims === 0) throw new Error('HybridDistribution needs at least one discrete or continuous dimension');
    this.categorical = nvec.length > 0 ? new MultiCategorical(nvec) : undefined;
    this.gaussian = continuousDims > 0 ? new DiagonalGaussian(continuousDims) : undefined;
  }

  /** Number of discrete dimensions (0 without any). */
  get discreteDims(): number {
    return this.categorical?.dims ?? 0;
  }

  /** Number of continuous dimensions, C (0 without any). */
  get continuousDims(): number {
    return this.gaussian?.dims ?? 0;
  }

  /** Width of the policy head: logits then means. */
  get headDim(): number {
    return (this.categorical?.logitDim ?? 0) + this.continuousDims;
  }

  /**
   * Joint log-probability and entropy `[B]` of the given actions under `head` `[B, headDim]`.
   * `discrete` is `[B, D]` int32, `continuous` `[B, C]`; each required iff that part exists.
   * Call inside tf.tidy.
   */
  logProbAndEntropy(
    head: tf.Tensor2D,
    logStd: tf.Tensor1D | undefined,
    discrete: tf.Tensor2D | undefined,
    continuous: tf.Tensor2D | undefined,
  ): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
    const parts = this.evaluateParts(head, logStd, discrete, continuous, false);
    if (parts.length === 1) return parts[0] as { logProb: tf.Tensor1D; entropy: tf.Tensor1D };
    return { logProb: tf.add(parts[0]!.logProb, parts[1]!.logProb), entropy: tf.add(parts[0]!.entropy, parts[1]!.entropy) };
  }

  /**
   * As {@link logProbAndEntropy}, but each dimension's log-probability, `[B, D + C]` (discrete
   * dimensions first); its row sums are the joint log-probabilities. Call inside tf.tidy.
   */
  logProbPerDimensionAndEntropy(
    head: tf.Tensor2D,
    logStd: tf.Tensor1D | undefined,
    discrete: tf.Tensor2D | undefined,
    continuous: tf.Tensor2D | undefined,
  ): { logProb: tf.Tensor2D; entropy: tf.Tensor1D } {
    const parts = this.evaluateParts(head, logStd, discrete, continuous, true);
    if (parts.length === 1) return parts[0] as { logProb: tf.Tensor2D; entropy: tf.Tensor1D };
    return { logProb: tf.concat([parts[0]!.logProb, parts[1]!.logProb], 1) as tf.Tensor2D, entropy: tf.add(parts[0]!.entropy, parts[1]!.entropy) };
  }

  /** Each part's log-probabilities (joint `[B]`, or `[B, dims]` per dimension) and entropy, on its slice of `head`. */
  private evaluateParts(
    head: tf.Tensor2D,
    logStd: tf.Tensor1D | undefined,
    discrete: tf.Tensor2D | undefined,
    continuous: tf.Tensor2D | undefined,
    perDimension: boolean,
  ): Array<{ logProb: tf.Tensor; entropy: tf.Tensor1D }> {
    const parts: Array<{ logProb: tf.Tensor; entropy: tf.Tensor1D }> = [];
    const logitDim = this.categorical?.logitDim ?? 0;
    if (this.categorical !== undefined) {
      if (discrete === undefined) throw new Error('HybridDistribution: discrete actions missing');
      const logits = this.gaussian === undefined ? head : (tf.slice(head, [0, 0], [-1, logitDim]) as tf.Tensor2D);
      parts.push(perDimension ? this.categorical.logProbPerDimensionAndEntropy(logits, discrete) : this.categorical.logProbAndEntropy(logits, discrete));
    }
    if (this.gaussian !== undefined) {
      if (continuous === undefined || logStd === undefined) throw new Error('HybridDistribution: continuous actions or log-std missing');
      const mean = this.categorical === undefined ? head : (tf.slice(head, [0, logitDim], [-1, this.gaussian.dims]) as tf.Tensor2D);
      parts.push(perDimension ? this.gaussian.logProbPerDimensionAndEntropy(mean, logStd, continuous) : this.gaussian.logProbAndEntropy(mean, logStd, continuous));
    }
    return parts;
  }

  /**
   * Sample `batch` actions from `head` (row-major `[batch, headDim]`), or take the mode (argmax,
   * mean) when `rng` is undefined. Writes `discrete` `[batch, D]`, `continuous` `[batch, C]`
   * (unclipped) and the joint log-probabilities `logProb` `[batch]`; with `logProbPerDimension`
   * (`[batch, D + C]`), each dimension's too.
   */
  sample(
    head: Float32Array,
    logStd: Float32Array | undefined,
    batch: number,
    rng: Rng | undefined,
    discrete: Int32Array,
    continuous: Float32Array,
    logProb: Float32Array,
    logProbPerDimension?: Float32Array,
  ): void {
    logProb.fill(0, 0, batch);
    const stride = this.headDim;
    const D = this.discreteDims;
    const perRow = D + this.continuousDims;
    this.categorical?.sample(head, stride, 0, batch, rng, discrete, logProb, logProbPerDimension && { values: logProbPerDimension, stride: perRow, offset: 0 });
    if (this.gaussian !== undefined) {
      if (logStd === undefined) throw new Error('HybridDistribution: log-std missing');
      this.gaussian.sample(head, stride, this.categorical?.logitDim ?? 0, logStd, batch, rng, continuous, logProb, logProbPerDimension && { values: logProbPerDimension, stride: perRow, offset: D });
    }
  }
}
