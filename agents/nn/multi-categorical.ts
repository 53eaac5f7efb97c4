/**
 * Independent categorical distributions, one per discrete action dimension (a Discrete space is
 * one dimension, a MultiDiscrete(nvec) is `nvec.length`), parameterised by concatenated logits.
 * Log-probability and entropy are sums over dimensions.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../env/core/rng.ts';
import type { PerDimensionOut } from './per-dimension-out.ts';

/** Logit given to padding entries so they get probability 0 without NaN. */
const PAD_LOGIT = -1e9;

/**
 * Independent categorical distributions, one per discrete action dimension (a Discrete space is
 * one, a MultiDiscrete `nvec.length`), from concatenated logits.
 */
export class MultiCategorical {
  /** Number of choices per dimension. */
  readonly nvec: Int32Array;
  /** Start of dimension d's logits; length D + 1. */
  readonly offsets: Int32Array;
  /** Total logits, sum of nvec. */
  readonly logitDim: number;
  /** Largest dimension size (dimensions are padded to it in the batched tensor form). */
  readonly maxN: number;
  /**
   * The `[D, maxN]` layout as gather indices (undefined when all dimensions have the same size):
   * `source[column]` is the logit that padded column reads, or `logitDim` for a padding entry
   * (a PAD_LOGIT column appended to the logits); `target[k]` is the column logit k lands in.
   */
  private readonly padding: { readonly source: Int32Array; readonly target: Int32Array } | undefined;

  constructor(nvec: ArrayLike<number>) {
    this.nvec = Int32Array.from(nvec);
    if (this.nvec.length === 0) throw new Error('MultiCategorical needs at least one dimension');
    this.nvec.forEach((n, d) => {
      if (!Number.isInteger(n) || n < 1) throw new Error(`MultiCategorical: dimension ${d} has ${n} choices; need an integer >= 1`);
    });
    this.offsets = new Int32Array(this.nvec.length + 1);
    for (let d = 0; d < this.nvec.length; d++) this.offsets[d + 1] = this.offsets[d]! + this.nvec[d]!;
    this.logitDim = this.offsets[this.nvec.length]!;
    this.maxN = Math.max(...this.nvec);
    if (this.maxN * this.nvec.length !== this.logitDim) {
      const source = new Int32Array(this.nvec.length * this.maxN).fill(this.logitDim);
      const target = new Int32Array(this.logitDim);
      for (let d = 0; d < this.nvec.length; d++) {
        for (let k = 0; k < this.nvec[d]!; k++) {
          const column = d * this.maxN + k;
          source[column] = this.offsets[d]! + k;
          target[this.offsets[d]! + k] = column;
        }
      }
      this.padding = { source, target };
    }
  }

  /** Number of discrete dimensions, D. */
  get dims(): number {
    return this.nvec.length;
  }

  /** Per-dimension log-softmax as `[B, D, maxN]` (padding entries ~ -1e9). Inside tf.tidy. */
  private logSoftmax(logits: tf.Tensor2D): tf.Tensor3D {
    const batch = logits.shape[0];
    const grid = this.padding === undefined ? logits : this.pad(logits, this.padding);
    return tf.logSoftmax(tf.reshape(grid, [batch, this.dims, this.maxN]) as tf.Tensor3D);
  }

  /**
   * `logits` `[B, logitDim]` gathered into the padded `[B, D * maxN]` layout, PAD_LOGIT in the
   * padding. Its gradient gathers back (each logit lands in exactly one column), because the wasm
   * backend has no kernel for gather's own gradient (an unsorted segment sum). A 0/1 selection
   * matMul gives the same numbers, but costs logitDim x D x maxN per row: 3.3M multiply-adds a row
   * on BDT-large-v0 (120 heads), 30 times the rest of the policy network.
   */
  private pad(logits: tf.Tensor2D, padding: { readonly source: Int32Array; readonly target: Int32Array }): tf.Tensor2D {
    const source = tf.tensor1d(padding.source, 'int32');
    const target = tf.tensor1d(padding.target, 'int32');
    const padOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      // saved, not captured: a tidy around the loss may dispose `target` before the gradient runs
      save([target]);
      const withPad = tf.concat([x, tf.fill([x.shape[0], 1], PAD_LOGIT)], 1);
      return { value: tf.gather(withPad, source, 1) as tf.Tensor2D, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.gather(dy, saved[0]!, 1)] };
    }) as (x: tf.Tensor2D) => tf.Tensor2D;
    return padOp(logits);
  }

  /**
   * Joint log-probability `[B]` of `actions` (`[B, D]` int32 indices) and entropy `[B]`.
   * Call inside tf.tidy.
   */
  logProbAndEntropy(logits: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
    const logp = this.logSoftmax(logits);
    const chosen = tf.mul(tf.oneHot(actions, this.maxN), logp);
    const logProb = tf.sum(chosen, [1, 2]) as tf.Tensor1D;
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), [1, 2])) as tf.Tensor1D;
    return { logProb, entropy };
  }

  /** As {@link logProbAndEntropy}, but each dimension's log-probability, `[B, D]`. Call inside tf.tidy. */
  logProbPerDimensionAndEntropy(logits: tf.Tensor2D, actions: tf.Tensor2D): { logProb: tf.Tensor2D; entropy: tf.Tensor1D } {
    const logp = this.logSoftmax(logits);
    const logProb = tf.sum(tf.mul(tf.oneHot(actions, this.maxN), logp), 2) as tf.Tensor2D;
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), [1, 2])) as tf.Tensor1D;
    return { logProb, entropy };
  }

  /**
   * Sample (or take the argmax when `rng` is undefined) for `batch` rows of logits; row b's
   * logits are `head[b * stride + offset ..]`. Writes indices to `out` (`[batch, D]`) and adds each
   * row's joint log-probability to `logProb`; with `perDimension`, also writes dimension d's
   * log-probability of row b to `perDimension.values[b * perDimension.stride + perDimension.offset + d]`.
   */
  sample(head: Float32Array, stride: number, offset: number, batch: number, rng: Rng | undefined, out: Int32Array, logProb: Float32Array, perDimension?: PerDimensionOut): void {
    const logits = head;
    const D = this.dims;
    for (let b = 0; b < batch; b++) {
      let rowLogProb = 0;
      for (let d = 0; d < D; d++) {
        const start = b * stride + offset + this.offsets[d]!;
        const n = this.nvec[d]!;
        let max = -Infinity;
        let argmax = 0;
        for (let k = 0; k < n; k++) {
          const v = logits[start + k]!;
          if (v > max) {
            max = v;
            argmax = k;
          }
        }
        let sum = 0;
        for (let k = 0; k < n; k++) sum += Math.exp(logits[start + k]! - max);
        let choice = argmax;
        if (rng !== undefined) {
          let u = rng() * sum;
          choice = n - 1;
          for (let k = 0; k < n; k++) {
            u -= Math.exp(logits[start + k]! - max);
            if (u < 0) {
              choice = k;
              break;
            }
          }
        }
        out[b * D + d] = choice;
        const dimLogProb = logits[start + choice]! - max - Math.log(sum);
        if (perDimension !== undefined) perDimension.values[b * perDimension.stride + perDimension.offset + d] = dimLogProb;
        rowLogProb += dimLogProb;
      }
      logProb[b]! += rowLogProb;
    }
  }
}
