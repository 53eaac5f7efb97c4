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
import { JsMlp } from '../nn/js-mlp.ts';
import { MlpBackprop } from '../nn/mlp-backprop.ts';
import { buildMlp, DenseStack, type MlpInit } from '../nn/mlp.ts';
import { tensorValues } from '../nn/tensor-values.ts';

/** Output gain of the heads (SB3/CleanRL value heads). */
const HEAD_GAIN = 1;

/**
 * The Q network of `DqnTrainer`: one head per discrete action dimension on a shared trunk (action
 * branching, optionally dueling), so the output grows with the sum of the dimensions' sizes, not
 * their product (see the header of agents/dqn/branching-q-network.ts).
 */
export class BranchingQNetwork {
  readonly net: DenseStack;
  readonly dueling: boolean;
  readonly nvec: Int32Array;
  /** Column of branch d's first action in the raw output; length D + 1 (relative to the first advantage column). */
  readonly offsets: Int32Array;
  /** First advantage column: 1 with a value head, else 0. */
  readonly headStart: number;
  /** Plain-JS copy for acting on a few rows (see nn/js-mlp.ts). */
  private readonly js: JsMlp;
  private actingStale = false;
  /** Training passes (see nn/mlp-backprop.ts), built at the first use. */
  private backprop: MlpBackprop | undefined;
  private backpropStale = false;
  private updatedParameters: Float32Array | undefined;

  constructor(
    net: DenseStack,
    nvec: ArrayLike<number>,
    dueling: boolean,
  ) {
    this.net = net;
    this.dueling = dueling;
    this.nvec = Int32Array.from(nvec);
    if (this.nvec.length === 0) throw new Error('BranchingQNetwork needs at least one action dimension');
    this.offsets = new Int32Array(this.nvec.length + 1);
    for (let d = 0; d < this.nvec.length; d++) this.offsets[d + 1] = this.offsets[d]! + this.nvec[d]!;
    this.headStart = dueling ? 1 : 0;
    const expected = this.headStart + this.offsets[this.nvec.length]!;
    if (net.outputDim !== expected) {
      throw new Error(`Q network has ${net.outputDim} outputs; ${dueling ? 'a value head plus ' : ''}branches of sizes [${Array.from(this.nvec).join(', ')}] need ${expected}`);
    }
    this.js = new JsMlp(net);
  }

  /**
   * Call after the variables changed: acting and training passes re-read them lazily, the latter
   * from `parameters` when given (all of them, flat in variable order, equal to the variables).
   */
  markUpdated(parameters?: Float32Array): void {
    this.actingStale = true;
    this.backpropStale = true;
    this.updatedParameters = parameters;
  }

  /** Raw outputs `[batch, outputDim]` computed in plain JS, for acting on a few rows. */
  actingOutputs(obs: Float32Array, batch: number, out: Float32Array): Float32Array {
    if (this.actingStale) {
      this.js.refresh();
      this.actingStale = false;
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

  /** Number of action dimensions (branches), D. */
  get dims(): number {
    return this.nvec.length;
  }

  /**
   * Width of the raw output: the value column (dueling only) plus every branch's advantage columns.
   */
  get outputDim(): number {
    return this.net.outputDim;
  }

  /** The training passes for up to `rows` rows, with the current weights. */
  private passes(rows: number): MlpBackprop {
    if (this.backprop === undefined || this.backprop.maxRows < rows) {
      this.backprop?.dispose();
      this.backprop = new MlpBackprop(this.net, rows);
    } else if (this.backpropStale) {
      this.backprop.refresh(this.updatedParameters);
    }
    this.backpropStale = false;
    return this.backprop;
  }

  /**
   * Raw outputs `[batch, outputDim]` for `batch` rows of `obs` into `out`, with the TF.js ops on
   * the variables. XNNPACK packs each weight tensor once and caches it until the variable is
   * reassigned, so this is the fast path for a network that does not change between calls (the
   * target network during a training phase), for any number of rows.
   */
  rawOutputs(obs: Float32Array, batch: number, out: Float32Array = new Float32Array(batch * this.outputDim)): Float32Array {
    const result = tf.tidy(() => this.net.apply(tf.tensor2d(obs.subarray(0, batch * this.net.inputDim), [batch, this.net.inputDim])));
    out.set(tensorValues(result));
    result.dispose();
    return out;
  }

  /**
   * The TD loss of a minibatch and its gradient with respect to every parameter (flat, in
   * `net.variables` order) into `grad`: a training forward pass on `obs`, {@link huberTdGradient}
   * on its outputs, and the backward pass. `raw` and `dRaw` are `[batch, outputDim]` scratch.
   */
  tdLossAndGradient(obs: Float32Array, actions: Int32Array, targets: Float32Array, batch: number, raw: Float32Array, dRaw: Float32Array, grad: Float32Array): TdLoss {
    const passes = this.passes(batch);
    passes.forward(obs, batch, raw);
    const loss = this.huberTdGradient(raw, actions, targets, batch, dRaw);
    passes.backward(dRaw, grad);
    return loss;
  }

  /**
   * Huber loss (threshold 1, SB3's smooth_l1_loss) of the chosen Q values against the TD
   * targets, averaged over the batch and the branches, L = mean_{b,d} huber(Q_d(s_b, a_bd) - y_b),
   * and dL/d(raw outputs) into `dRaw` (`[batch, outputDim]`). Q_d is the head's output, or with
   * dueling V + A_d,a - mean_k A_d,k, whose derivatives are 1 for V and [k = a] - 1/n for A_d,k.
   */
  huberTdGradient(raw: Float32Array, actions: Int32Array, targets: Float32Array, batch: number, dRaw: Float32Array): TdLoss {
    const D = this.dims;
    const width = this.outputDim;
    const count = batch * D;
    dRaw.fill(0, 0, batch * width);
    let loss = 0;
    let qSum = 0;
    for (let b = 0; b < batch; b++) {
      for (let d = 0; d < D; d++) {
        const a = actions[b * D + d]!;
        const q = this.q(raw, b, d, a);
        const delta = q - targets[b]!;
        const magnitude = Math.abs(delta);
        loss += magnitude <= 1 ? 0.5 * delta * delta : magnitude - 0.5;
        qSum += q;
        const g = Math.max(-1, Math.min(1, delta)) / count;
        const base = b * width + this.headStart + this.offsets[d]!;
        dRaw[base + a]! += g;
        if (this.dueling) {
          dRaw[b * width]! += g;
          const n = this.nvec[d]!;
          for (let k = 0; k < n; k++) dRaw[base + k]! -= g / n;
        }
      }
    }
    return { loss: loss / count, meanQ: qSum / count };
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

  /** Whether its network was freed (by `dispose()`, or a trainer holding it). */
  get isDisposed(): boolean {
    return this.net.isDisposed;
  }

  /** Frees the network's tensors; the network is unusable afterwards. */
  dispose(): void {
    this.net.dispose();
    this.backprop?.dispose();
  }
}

/** A minibatch's TD loss and mean chosen Q value. */
export interface TdLoss {
  readonly loss: number;
  readonly meanQ: number;
}
