/**
 * Diagonal Gaussian over continuous action dimensions with a state-independent log-std (a free
 * parameter vector, as CleanRL's `actor_logstd` and SB3's default), mean from the network.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../env/core/rng.ts';
import type { PerDimensionOut } from './per-dimension-out.ts';
import { standardNormal } from './random.ts';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A diagonal Gaussian over the continuous action dimensions: means from the network, a
 * state-independent log-std (CleanRL's `actor_logstd`).
 */
export class DiagonalGaussian {
  readonly dims: number;

  constructor(dims: number) {
    this.dims = dims;
    if (!Number.isInteger(dims) || dims < 1) throw new Error(`DiagonalGaussian needs an integer dimension >= 1, got ${dims}`);
  }

  /** Joint log-probability `[B]` and entropy `[B]` of `actions` `[B, C]`. Call inside tf.tidy. */
  logProbAndEntropy(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
    const { logProb: perDim, entropy } = this.logProbPerDimensionAndEntropy(mean, logStd, actions);
    return { logProb: tf.sum(perDim, 1) as tf.Tensor1D, entropy };
  }

  /** As {@link logProbAndEntropy}, but each dimension's log-probability, `[B, C]`. Call inside tf.tidy. */
  logProbPerDimensionAndEntropy(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): { logProb: tf.Tensor2D; entropy: tf.Tensor1D } {
    const z = tf.mul(tf.sub(actions, mean), tf.exp(tf.neg(logStd)));
    const logProb = tf.sub(tf.mul(tf.square(z), -0.5), tf.add(logStd, HALF_LOG_2PI)) as tf.Tensor2D;
    const entropyPerRow = tf.sum(tf.add(logStd, 0.5 + HALF_LOG_2PI));
    const entropy = tf.mul(tf.ones([mean.shape[0]]), entropyPerRow) as tf.Tensor1D;
    return { logProb, entropy };
  }

  /**
   * Sample (or take the mean when `rng` is undefined) for `batch` rows; row b's mean is
   * `head[b * stride + offset ..]`. Writes to `out` (`[batch, C]`) and adds each row's
   * log-probability to `logProb`; with `perDimension`, also each dimension's (as
   * MultiCategorical.sample).
   */
  sample(head: Float32Array, stride: number, offset: number, logStd: Float32Array, batch: number, rng: Rng | undefined, out: Float32Array, logProb: Float32Array, perDimension?: PerDimensionOut): void {
    const C = this.dims;
    let logStdSum = 0;
    for (let c = 0; c < C; c++) logStdSum += logStd[c]!;
    for (let b = 0; b < batch; b++) {
      let sq = 0;
      for (let c = 0; c < C; c++) {
        const eps = rng === undefined ? 0 : standardNormal(rng);
        out[b * C + c] = head[b * stride + offset + c]! + Math.exp(logStd[c]!) * eps;
        sq += eps * eps;
        if (perDimension !== undefined) perDimension.values[b * perDimension.stride + perDimension.offset + c] = -0.5 * eps * eps - logStd[c]! - HALF_LOG_2PI;
      }
      logProb[b]! += -0.5 * sq - logStdSum - C * HALF_LOG_2PI;
    }
  }
}
