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
import { AdamSimd } from './adam-simd.ts';

/** Moments below this magnitude are flushed to 0 (see applyFlatGradient). */
const TINY = 1e-30;

/**
 * A gradient whose global norm is NaN or infinite: the step is refused and the parameters are
 * left as they were. Trainers catch it and report the divergence with their own context.
 */
export class NonFiniteGradientError extends Error {
  /** The global L2 norm of the refused gradient (NaN or Infinity). */
  readonly norm: number;
  /** The Adam update that was refused (1-based: updates applied so far + 1). */
  readonly update: number;

  constructor(
    norm: number,
    update: number,
  ) {
    super(`FlatAdam: gradient norm is ${norm} at update ${update}; the loss produced non-finite gradients`);
    this.norm = norm;
    this.update = update;
    this.name = 'NonFiniteGradientError';
  }
}

export interface FlatAdamOptions {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Clip the global L2 norm of the gradient to this (Infinity: no clipping). */
  readonly maxGradNorm?: number;
  /**
   * Run the update loop in WebAssembly SIMD (float32 maths, as torch) where available; default
   * false: the JS loop (float64 maths rounded to float32), cheap enough for small networks.
   */
  readonly simd?: boolean;
}

/** Serialisable optimiser state (moments and step count). */
export interface FlatAdamState {
  readonly step: number;
  readonly m: Float32Array;
  readonly v: Float32Array;
}

/**
 * Adam (torch.optim.Adam's update) with global gradient-norm clipping, run on one flat JS copy of
 * all parameters to spare the per-op dispatch of `tf.train.adam`; a non-finite gradient is refused
 * with `NonFiniteGradientError`, the parameters left as they were.
 */
export class FlatAdam {
  readonly variables: readonly tf.Variable[];
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly maxGradNorm: number;
  /** Parameters, moments: flat, in variable order. */
  private readonly params: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** The update loop in WebAssembly SIMD, owning params, m and v (undefined: JS loop). */
  private readonly simd: AdamSimd | undefined;
  private step = 0;
  private readonly offsets: number[];
  /** Global gradient norm before clipping at the last step. */
  lastGradNorm = 0;

  constructor(
    variables: readonly tf.Variable[],
    options: FlatAdamOptions,
  ) {
    this.variables = variables;
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.maxGradNorm = options.maxGradNorm ?? Infinity;
    this.offsets = [0];
    for (const v of variables) this.offsets.push(this.offsets[this.offsets.length - 1]! + v.size);
    const total = this.offsets[this.offsets.length - 1]!;
    this.simd = options.simd === true ? AdamSimd.create(total) : undefined;
    this.params = this.simd?.buffers.params.subarray(0, total) ?? new Float32Array(total);
    this.m = this.simd?.buffers.m.subarray(0, total) ?? new Float32Array(total);
    this.v = this.simd?.buffers.v.subarray(0, total) ?? new Float32Array(total);
    this.syncFromVariables();
  }

  /** The current parameters, flat in variable order (a read-only view: do not write). */
  get parameters(): Float32Array {
    return this.params;
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
    return this.applyFlatGradient(g);
  }

  /**
   * One Adam step from a flat gradient in variable order (`size` elements, e.g. from
   * MlpBackprop). Returns the pre-clipping global gradient norm.
   */
  applyFlatGradient(g: Float32Array): number {
    if (g.length !== this.size) throw new Error(`FlatAdam: gradient has ${g.length} elements, the parameters ${this.size}`);
    this.simd?.buffers.gradient.set(g);
    const norm = Math.sqrt(this.simd?.gradientSumSquares() ?? sumSquares(g));
    if (!Number.isFinite(norm)) throw new NonFiniteGradientError(norm, this.step + 1);
    this.lastGradNorm = norm;
    const scale = Math.min(1, this.maxGradNorm / (norm + 1e-6));

    this.step += 1;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const stepSize = this.learningRate / (1 - b1 ** this.step);
    const vCorrection = 1 / Math.sqrt(1 - b2 ** this.step);
    if (this.simd !== undefined) {
      this.simd.update(scale, b1, b2, stepSize, vCorrection, eps, TINY);
    } else {
      this.updateInJs(g, scale, stepSize, vCorrection);
    }
    this.variables.forEach((variable, i) => {
      const values = tf.tensor(this.params.subarray(this.offsets[i]!, this.offsets[i + 1]!), variable.shape);
      variable.assign(values);
      values.dispose();
    });
    return norm;
  }

  /** The update loop in JS (where WebAssembly SIMD is unavailable); AdamSimd does the same. */
  private updateInJs(g: Float32Array, scale: number, stepSize: number, vCorrection: number): void {
    const { beta1: b1, beta2: b2, epsilon: eps, params, m, v } = this;
    for (let i = 0; i < params.length; i++) {
      const gi = g[i]! * scale;
      let mi = b1 * m[i]! + (1 - b1) * gi;
      let vi = b2 * v[i]! + (1 - b2) * gi * gi;
      // Moments of parameters whose gradient stays 0 (dead ReLU units) decay geometrically into
      // float32's subnormal range, where every load and store takes a slow microcode path on
      // x86. Flushing them to 0 changes the update by < lr * 1e-30 / eps.
      if (mi < TINY && mi > -TINY) mi = 0;
      if (vi < TINY) vi = 0;
      m[i] = mi;
      v[i] = vi;
      params[i] = params[i]! - (stepSize * mi) / (Math.sqrt(vi) * vCorrection + eps);
    }
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
    this.m.set(state.m);
    this.v.set(state.v);
  }
}

/** Sum of squares, in four partial sums (one running sum is a chain of dependent additions). */
function sumSquares(g: Float32Array): number {
  let sq0 = 0;
  let sq1 = 0;
  let sq2 = 0;
  let sq3 = 0;
  const n4 = g.length - (g.length % 4);
  for (let i = 0; i < n4; i += 4) {
    sq0 += g[i]! * g[i]!;
    sq1 += g[i + 1]! * g[i + 1]!;
    sq2 += g[i + 2]! * g[i + 2]!;
    sq3 += g[i + 3]! * g[i + 3]!;
  }
  for (let i = n4; i < g.length; i++) sq0 += g[i]! * g[i]!;
  return sq0 + sq1 + sq2 + sq3;
}
