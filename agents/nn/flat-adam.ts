/**
 * Adam (Kingma & Ba 2015, torch.optim.Adam's update) with global gradient-norm clipping
 * (torch.nn.utils.clip_grad_norm_), run on one flat JS copy of all parameters.
 *
 * Why not tf.train.adam: on the wasm backend every op costs tens of microseconds of dispatch,
 * and Adam plus norm clipping over a dozen small variables is ~200 ops per step — more than the
 * forward and backward passes together. Here the gradients are downloaded once (one concat, one
 * read), the update is a tight loop over ~10^4 floats, and each variable is written back once.
 * The optimiser owns the variables' values: they are read at construction (or `syncFromVariables`)
 * and must not be changed behind its back.
 */
import * as tf from '@tensorflow/tfjs';

export interface FlatAdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Clip the global L2 norm of the gradient to this (Infinity: no clipping). */
  readonly maxGradNorm?: number;
}

/** Serialisable optimiser state (moments and step count). */
export interface FlatAdamState {
  readonly step: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

export class FlatAdam {
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly maxGradNorm: number;
  /** Parameters, moments: flat, in variable order. */
  private readonly params: Float32Array;
  private m: Float32Array;
  private v: Float32Array;
  private step = 0;
  private readonly offsets: number[];
  /** Global gradient norm before clipping at the last step. */
  lastGradNorm = 0;

  constructor(
    readonly variables: readonly tf.Variable[],
    options: FlatAdamOptions,
  ) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.maxGradNorm = options.maxGradNorm ?? Infinity;
    this.offsets = [0];
    for (const v of variables) this.offsets.push(this.offsets[this.offsets.length - 1]! + v.size);
    const total = this.offsets[this.offsets.length - 1]!;
    this.params = new Float32Array(total);
    this.m = new Float32Array(total);
    this.v = new Float32Array(total);
    this.syncFromVariables();
  }

  /** Number of scalar parameters. */
  get size(): number {
    return this.params.length;
  }

  /** Re-read the parameters from the variables (after they were set from outside). */
  syncFromVariables(): void {
    this.variables.forEach((variable, i) => this.params.set(variable.dataSync() as Float32Array, this.offsets[i]!));
  }

  /**
   * One Adam step from `grads` (keyed by variable name, as tf.variableGrads returns them);
   * disposes nothing it did not create. Returns the pre-clipping global gradient norm.
   */
  applyGradients(grads: tf.NamedTensorMap): number {
    const flat = tf.tidy(() =>
      tf.concat(
        this.variables.map((variable) => {
          const g = grads[variable.name];
          if (g === undefined) throw new Error(`FlatAdam: no gradient for variable '${variable.name}'`);
          return tf.reshape(g, [-1]);
        }),
      ),
    );
    const g = flat.dataSync() as Float32Array;
    flat.dispose();

    let sq = 0;
    for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
    const norm = Math.sqrt(sq);
    if (!Number.isFinite(norm)) throw new Error(`FlatAdam: gradient norm is ${norm}; the loss produced non-finite gradients`);
    this.lastGradNorm = norm;
    const scale = Math.min(1, this.maxGradNorm / (norm + 1e-6));

    this.step += 1;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const stepSize = this.learningRate / (1 - b1 ** this.step);
    const vCorrection = 1 / Math.sqrt(1 - b2 ** this.step);
    const { params, m, v } = this;
    for (let i = 0; i < params.length; i++) {
      const gi = g[i]! * scale;
      const mi = b1 * m[i]! + (1 - b1) * gi;
      const vi = b2 * v[i]! + (1 - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      params[i] = params[i]! - (stepSize * mi) / (Math.sqrt(vi) * vCorrection + eps);
    }
    this.variables.forEach((variable, i) => {
      const values = tf.tensor(params.subarray(this.offsets[i]!, this.offsets[i + 1]!), variable.shape);
      variable.assign(values);
      values.dispose();
    });
    return norm;
  }

  /** A copy of the moments and step count. */
  getState(): FlatAdamState {
    return { step: this.step, m: this.m.slice(), v: this.v.slice() };
  }

  /** Restore a {@link getState} result; throws if its size differs from this optimiser's. */
  setState(state: FlatAdamState): void {
    if (state.m.length !== this.size || state.v.length !== this.size) {
      throw new Error(`optimiser state has ${state.m.length} moments, the networks have ${this.size} parameters`);
    }
    this.step = state.step;
    this.m = Float32Array.from(state.m);
    this.v = Float32Array.from(state.v);
  }
}
