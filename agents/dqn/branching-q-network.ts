/**
 * Q network for Discrete, MultiDiscrete and Dict-of-discrete action spaces. One action dimension
 * (Discrete) is a plain DQN head. Several dimensions use action branching (Tavakoli et al. 2018,
 * "Action Branching Architectures for Deep RL"): a shared trunk, then one head per dimension d
 * giving Q_d(s, .), so the output grows with the sum of the sizes, not their product. With
 * `dueling`, a state-value head V(s) is shared and each branch is an advantage head:
 *   Q_d(s, a_d) = V(s) + A_d(s, a_d) - mean_a A_d(s, a).
 *
 * The heads are linear layers on the trunk, stored as one Dense output layer whose columns are
 * `[V (dueling only) | A_1 | ... | A_D]`, so the network is one standard Sequential model.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../env/core/rng.ts';
import { dense } from '../nn/dense-op.ts';
import { JsMlp } from '../nn/js-mlp.ts';
import { buildMlp, DenseStack, type MlpInit } from '../nn/mlp.ts';

/** Output gain of the heads (SB3/CleanRL value heads). */
const HEAD_GAIN = 1;

export class BranchingQNetwork {
  readonly nvec: Int32Array;
  /** Column of branch d's first action in the raw output; length D + 1 (relative to the first advantage column). */
  readonly offsets: Int32Array;
  /** First advantage column: 1 with a value head, else 0. */
  readonly headStart: number;
  /** `[outputDim, D]`: column d sums branch d's advantage columns (picks the selected one). */
  private readonly branchSum: tf.Tensor2D;
  /** `[outputDim, D]`: column d is mean(A_d) - V, subtracted in the dueling combination. */
  private readonly duelingOffset: tf.Tensor2D | undefined;
  private readonly zeroBias: tf.Tensor1D;
  /** Plain-JS copy for acting on a few rows (see nn/js-mlp.ts). */
  private readonly js: JsMlp;
  private stale = false;

  constructor(
    readonly net: DenseStack,
    nvec: ArrayLike<number>,
    readonly dueling: boolean,
  ) {
    this.nvec = Int32Array.from(nvec);
    if (this.nvec.length === 0) throw new Error('BranchingQNetwork needs at least one action dimension');
    this.offsets = new Int32Array(this.nvec.length + 1);
    for (let d = 0; d < this.nvec.length; d++) this.offsets[d + 1] = this.offsets[d]! + this.nvec[d]!;
    this.headStart = dueling ? 1 : 0;
    const expected = this.headStart + this.offsets[this.nvec.length]!;
    if (net.outputDim !== expected) {
      throw new Error(`Q network has ${net.outputDim} outputs; ${dueling ? 'a value head plus ' : ''}branches of sizes [${Array.from(this.nvec).join(', ')}] need ${expected}`);
    }
    const D = this.nvec.length;
    const sum = new Float32Array(expected * D);
    const offset = new Float32Array(expected * D);
    for (let d = 0; d < D; d++) {
      if (dueling) offset[d] = -1; // row 0 is V
      for (let k = 0; k < this.nvec[d]!; k++) {
        const column = this.headStart + this.offsets[d]! + k;
        sum[column * D + d] = 1;
        offset[column * D + d] = 1 / this.nvec[d]!;
      }
    }
    this.branchSum = tf.keep(tf.tensor2d(sum, [expected, D]));
    this.duelingOffset = dueling ? tf.keep(tf.tensor2d(offset, [expected, D])) : undefined;
    this.zeroBias = tf.keep(tf.zeros([D]));
    this.js = new JsMlp(net);
  }

  /** Call after the variables changed: acting re-reads them lazily. */
  markUpdated(): void {
    this.stale = true;
  }

  /** Raw outputs `[batch, outputDim]` computed in plain JS, for acting on a few rows. */
  actingOutputs(obs: Float32Array, batch: number, out: Float32Array): Float32Array {
    if (this.stale) {
      this.js.refresh();
      this.stale = false;
    }
    this.js.forward(obs, batch, out);
    return out;
  }

  /** A freshly initialised network (`init` from `rng`, orthogonal by default; ReLU trunk). */
  static create(name: string, inputDim: number, nvec: ArrayLike<number>, hidden: readonly number[], dueling: boolean, rng: Rng, init: MlpInit = 'orthogonal'): BranchingQNetwork {
    let outputDim = dueling ? 1 : 0;
    for (let d = 0; d < nvec.length; d++) outputDim += nvec[d]!;
    const model = buildMlp({ name, inputDim, hidden, outputDim, activation: 'relu', outputGain: HEAD_GAIN, init }, rng);
    return new BranchingQNetwork(new DenseStack(model), nvec, dueling);
  }

  get dims(): number {
    return this.nvec.length;
  }

  get outputDim(): number {
    return this.net.outputDim;
  }

  /** Raw outputs `[batch, outputDim]` for `batch` rows of `obs`, downloaded once. */
  rawOutputs(obs: Float32Array, batch: number): Float32Array {
    const out = tf.tidy(() => this.net.apply(tf.tensor2d(obs.subarray(0, batch * this.net.inputDim), [batch, this.net.inputDim])));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  }

  /** Q_d(s, k) of row `row` from raw outputs. */
  q(raw: Float32Array, row: number, d: number, k: number): number {
    const base = row * this.outputDim + this.headStart + this.offsets[d]!;
    if (!this.dueling) return raw[base + k]!;
    const n = this.nvec[d]!;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += raw[base + j]!;
    return raw[row * this.outputDim]! + raw[base + k]! - mean / n;
  }

  /** Greedy action per branch for `batch` rows of raw outputs into `out` (`[batch, D]`). */
  greedy(raw: Float32Array, batch: number, out: Int32Array): void {
    // V(s) and the mean advantage do not depend on the action: argmax Q_d = argmax A_d.
    const D = this.dims;
    for (let b = 0; b < batch; b++) {
      for (let d = 0; d < D; d++) {
        const base = b * this.outputDim + this.headStart + this.offsets[d]!;
        let best = 0;
        for (let k = 1; k < this.nvec[d]!; k++) if (raw[base + k]! > raw[base + best]!) best = k;
        out[b * D + d] = best;
      }
    }
  }

  /**
   * Q_d(s, a_d) `[batch, D]` for raw outputs `raw` (a tensor) and actions `[batch, D]`, as
   * `(raw * onehot(a)) @ branchSum - raw @ (mean(A_d) - V)`: masks and matMuls only (the wasm
   * backend has no gradient for gather). Inside tf.tidy.
   */
  chosenQ(raw: tf.Tensor2D, actions: Int32Array, batch: number): tf.Tensor2D {
    const D = this.dims;
    const width = this.outputDim;
    const mask = new Float32Array(batch * width);
    for (let b = 0; b < batch; b++) {
      for (let d = 0; d < D; d++) mask[b * width + this.headStart + this.offsets[d]! + actions[b * D + d]!] = 1;
    }
    const selected = dense(tf.mul(raw, tf.tensor2d(mask, [batch, width])), this.branchSum, this.zeroBias, 'linear');
    if (this.duelingOffset === undefined) return selected;
    return tf.sub(selected, dense(raw, this.duelingOffset, this.zeroBias, 'linear'));
  }

  dispose(): void {
    this.net.dispose();
    this.branchSum.dispose();
    this.duelingOffset?.dispose();
    this.zeroBias.dispose();
  }
}
