/**
 * Minibatch forward and backward passes of a {@link DenseStack}, scheduled for the wasm backend.
 *
 * Why not tf.variableGrads over the Dense ops: on wasm, XNNPACK's matMul packs its right-hand
 * operand `b` into an operator cached by tensor id, and packing costs ~10 ns per element (~0.6 ms
 * for a 256x256 weight matrix, more than the product of a 64-row batch with it), so weights that
 * change after every optimiser step would be repacked at every use; transposes are slow (~0.5 ms
 * for 256x256); and every op costs ~20 us of dispatch. Here every product is oriented so that
 * the packed operand is the smaller one, using C^T = B^T A^T where that helps, with W and W^T
 * both on the backend and the transposes of batch-sized matrices done in JS:
 *   forward   Z^T = W^T A^T (packs A^T, rows x in) when rows <= out, else Z = A W (packs W);
 *   dW        dW = A^T dZ (packs dZ, rows x out) when out <= in, else dW^T = dZ^T A (packs A);
 *   dA^T      dA^T = W dZ^T (packs dZ^T) when rows <= in, else dA = dZ W^T (packs W^T);
 * and no dA for the first layer (its input gradient is not needed). Bias, activation, their
 * derivatives and reductions run in JS on the downloaded products.
 *
 * The maths is the plain dense layer's: z = a W + b, y = act(z); dz = dy act'(z) (from y: relu
 * y > 0, tanh 1 - y^2), dW = a^T dz, db = sum_rows dz, da = dz W^T.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseStack } from './mlp.ts';
import { tanh } from './tanh.ts';
import { tensorValues } from './tensor-values.ts';
import { transpose } from './transpose.ts';

interface LayerPlan {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: 'tanh' | 'relu' | 'linear';
  /** The layer's kernel variable `[inputs, outputs]` (W, the left operand of dA^T = W dZ^T). */
  readonly kernel: tf.Variable;
  /** Device copy of W^T `[outputs, inputs]`, rebuilt by `refresh`. */
  kernelT: tf.Tensor2D | undefined;
  readonly biasVariable: tf.Variable;
  /** JS copy of the bias. */
  readonly bias: Float32Array;
  /** Scratch for W^T in JS. */
  readonly kernelTData: Float32Array;
  /** Offsets of kernel and bias in the flat parameter vector (variable order). */
  readonly kernelOffset: number;
  readonly biasOffset: number;
}

export class MlpBackprop {
  readonly stack: DenseStack;
  readonly maxRows: number;
  private readonly layers: LayerPlan[];
  /** `activations[l]`: layer l's input, transposed `[features, rows]` (l = L: the output). */
  private readonly activations: Float32Array[];
  /** Device copies of the layers' inputs, transposed (`[in, rows]`) and as rows (`[rows, in]`), kept for dW. */
  private savedT: Array<tf.Tensor2D | undefined>;
  private savedRowsMajor: Array<tf.Tensor2D | undefined>;
  /** The first layer's input as given (`[rows, inputDim]`). */
  private readonly inputRows: Float32Array;
  /** Scratch for a batch-sized matrix in the other layout. */
  private readonly flipped: Float32Array;
  /** The scalar 2 on the backend (tanh via sigmoid). */
  private readonly two = tf.keep(tf.scalar(2));
  /** Rows of the kept training forward pass (0: none). */
  private savedRows = 0;
  /** Backward scratch (`[widest layer, rows]`). */
  private readonly dzT: Float32Array;
  private readonly dz: Float32Array;
  private readonly daT: Float32Array;
  /** Number of scalar parameters (the flat gradient's length). */
  readonly size: number;

  /** `maxRows`: the largest number of rows a pass will be asked for. */
  constructor(
    stack: DenseStack,
    maxRows: number,
  ) {
    this.stack = stack;
    this.maxRows = maxRows;
    let offset = 0;
    this.layers = stack.layers.map((l) => {
      const [inputs, outputs] = l.kernel.shape as [number, number];
      const plan: LayerPlan = {
        inputs,
        outputs,
        activation: l.activation,
        kernel: l.kernel,
        kernelT: undefined,
        biasVariable: l.bias,
        bias: new Float32Array(outputs),
        kernelTData: new Float32Array(inputs * outputs),
        kernelOffset: offset,
        biasOffset: offset + inputs * outputs,
      };
      offset += inputs * outputs + outputs;
      return plan;
    });
    this.size = offset;
    this.activations = [new Float32Array(this.inputDim * maxRows), ...this.layers.map((l) => new Float32Array(l.outputs * maxRows))];
    this.savedT = this.layers.map(() => undefined);
    this.savedRowsMajor = this.layers.map(() => undefined);
    this.inputRows = new Float32Array(this.inputDim * maxRows);
    const widest = Math.max(...this.layers.map((l) => Math.max(l.inputs, l.outputs)));
    this.flipped = new Float32Array(widest * maxRows);
    this.dzT = new Float32Array(widest * maxRows);
    this.dz = new Float32Array(widest * maxRows);
    this.daT = new Float32Array(widest * maxRows);
    this.refresh();
  }

  get inputDim(): number {
    return this.layers[0]!.inputs;
  }

  get outputDim(): number {
    return this.layers[this.layers.length - 1]!.outputs;
  }

  /**
   * Re-read the weights after they changed: from `parameters` (all of them, flat in variable
   * order, e.g. FlatAdam's copy, saving the downloads) or else from the variables.
   */
  refresh(parameters?: Float32Array): void {
    if (parameters !== undefined && parameters.length !== this.size) throw new Error(`MlpBackprop.refresh: ${parameters.length} parameters given, the network has ${this.size}`);
    for (const layer of this.layers) {
      const { inputs, outputs, kernelTData } = layer;
      const kernel = parameters?.subarray(layer.kernelOffset, layer.biasOffset) ?? tensorValues(layer.kernel);
      transpose(kernel, inputs, outputs, kernelTData);
      layer.kernelT?.dispose();
      layer.kernelT = tf.keep(tf.tensor2d(kernelTData, [outputs, inputs]));
      layer.bias.set(parameters?.subarray(layer.biasOffset, layer.biasOffset + outputs) ?? tensorValues(layer.biasVariable));
    }
  }

  /**
   * Outputs `[rows, outputDim]` (row-major) for `rows` rows of `x` (`[rows, inputDim]`) into
   * `out`, keeping what {@link backward} needs (until the next forward pass).
   */
  forward(x: Float32Array, rows: number, out: Float32Array): Float32Array {
    if (rows < 1 || rows > this.maxRows) throw new Error(`MlpBackprop.forward: rows must be in [1, ${this.maxRows}], got ${rows}`);
    this.releaseSaved();
    const inputT = this.activations[0]!;
    const inDim = this.inputDim;
    transpose(x, rows, inDim, inputT);
    this.inputRows.set(x.subarray(0, rows * inDim));
    this.layers.forEach((layer, l) => {
      const { outputs, bias, activation } = layer;
      const y = this.activations[l + 1]!;
      // y = z^T + bias first (as z^T), then the activation in place.
      if (rows <= outputs) {
        const z = tf.matMul(layer.kernelT!, this.inputT(l, rows));
        y.set(tensorValues(z));
        z.dispose();
      } else if (activation === 'tanh') {
        // Bias and tanh = 2 sigmoid(2z) - 1 on the backend (as dense-op.ts): XNNPACK's sigmoid is
        // vectorised, while a JS exp per element costs more than the two extra ops' dispatch.
        const a = this.inputRowMajor(l, rows);
        const s = tf.tidy(() => tf.sigmoid(tf.mul(tf.fused.matMul({ a, b: layer.kernel as tf.Tensor2D, bias: layer.biasVariable }), this.two)));
        transpose(tensorValues(s), rows, outputs, y);
        s.dispose();
        for (let k = 0; k < outputs * rows; k++) y[k] = 2 * y[k]! - 1;
        return;
      } else {
        const z = tf.matMul(this.inputRowMajor(l, rows), layer.kernel as tf.Tensor2D);
        transpose(tensorValues(z), rows, outputs, y);
        z.dispose();
      }
      for (let o = 0; o < outputs; o++) {
        const b = bias[o]!;
        const end = (o + 1) * rows;
        if (activation === 'relu') {
          for (let k = o * rows; k < end; k++) {
            const v = y[k]! + b;
            y[k] = v > 0 ? v : 0;
          }
        } else if (activation === 'tanh') {
          for (let k = o * rows; k < end; k++) y[k] = tanh(y[k]! + b);
        } else {
          for (let k = o * rows; k < end; k++) y[k]! += b;
        }
      }
    });
    this.savedRows = rows;
    return transpose(this.activations[this.layers.length]!, this.outputDim, rows, out);
  }

  /**
   * Gradient of a loss with respect to every parameter, flat in variable order (kernel, bias of
   * each layer, as {@link DenseStack.variables} and FlatAdam), into `grad`, given
   * `dOut` = dLoss/dOutputs (`[rows, outputDim]`) of the last forward pass. Uses the
   * kernels as they were at that pass (call before updating them). Releases the kept tensors.
   */
  backward(dOut: Float32Array, grad: Float32Array): Float32Array {
    const rows = this.savedRows;
    if (rows === 0) throw new Error('MlpBackprop.backward: no forward pass to differentiate (call forward first; backward consumes it)');
    if (grad.length !== this.size) throw new Error(`MlpBackprop.backward: grad has ${grad.length} elements, the network ${this.size} parameters`);
    const { dzT, dz } = this;
    const last = this.layers.length - 1;
    // dZ^T of the output layer.
    {
      const { outputs, activation } = this.layers[last]!;
      const y = this.activations[last + 1]!;
      for (let o = 0; o < outputs; o++) {
        for (let r = 0; r < rows; r++) dzT[o * rows + r] = dOut[r * outputs + o]! * derivative(activation, y[o * rows + r]!);
      }
    }
    try {
      for (let l = last; l >= 0; l--) {
        const layer = this.layers[l]!;
        const { inputs, outputs } = layer;
        for (let o = 0; o < outputs; o++) {
          let sum = 0;
          for (let r = o * rows; r < (o + 1) * rows; r++) sum += dzT[r]!;
          grad[layer.biasOffset + o] = sum;
        }
        const a = this.activations[l]!;
        const dAT = this.daT;
        // dZ is needed as rows (dW = A^T dZ, dA = dZ W^T) and/or transposed (dW^T, dA^T).
        const weightsFromRows = outputs <= inputs;
        const inputGrad = l > 0 ? (rows <= inputs ? 'transposed' : 'rows') : 'none';
        let dzTensor: tf.Tensor2D | undefined;
        let dzTTensor: tf.Tensor2D | undefined;
        if (weightsFromRows || inputGrad === 'rows') {
          transpose(dzT, outputs, rows, dz);
          dzTensor = tf.tensor2d(dz.subarray(0, rows * outputs), [rows, outputs]);
        }
        if (!weightsFromRows || inputGrad === 'transposed') dzTTensor = tf.tensor2d(dzT.subarray(0, outputs * rows), [outputs, rows]);
        if (weightsFromRows) {
          const dW = tf.matMul(this.inputT(l, rows), dzTensor!);
          grad.set(tensorValues(dW), layer.kernelOffset);
          dW.dispose();
        } else {
          const dWT = tf.matMul(dzTTensor!, this.inputRowMajor(l, rows));
          transpose(tensorValues(dWT), outputs, inputs, grad, layer.kernelOffset);
          dWT.dispose();
        }
        if (inputGrad !== 'none') {
          if (inputGrad === 'transposed') {
            const dA = tf.matMul(layer.kernel as tf.Tensor2D, dzTTensor!);
            dAT.set(tensorValues(dA));
            dA.dispose();
          } else {
            const dA = tf.matMul(dzTensor!, layer.kernelT!);
            transpose(tensorValues(dA), rows, inputs, dAT);
            dA.dispose();
          }
        }
        dzTensor?.dispose();
        dzTTensor?.dispose();
        if (l === 0) break;
        // dZ^T of the layer below, through its activation (its output is this layer's input).
        const below = this.layers[l - 1]!.activation;
        if (below === 'relu') for (let k = 0; k < inputs * rows; k++) dzT[k] = a[k]! > 0 ? dAT[k]! : 0;
        else for (let k = 0; k < inputs * rows; k++) dzT[k] = dAT[k]! * derivative(below, a[k]!);
      }
    } finally {
      this.releaseSaved();
    }
    return grad;
  }

  /** Layer l's input as `[in, rows]` on the backend (uploaded once per pass). */
  private inputT(l: number, rows: number): tf.Tensor2D {
    const inputs = this.layers[l]!.inputs;
    this.savedT[l] ??= tf.tensor2d(this.activations[l]!.subarray(0, inputs * rows), [inputs, rows]);
    return this.savedT[l];
  }

  /** Layer l's input as `[rows, in]` on the backend (uploaded once per pass). */
  private inputRowMajor(l: number, rows: number): tf.Tensor2D {
    const inputs = this.layers[l]!.inputs;
    if (this.savedRowsMajor[l] === undefined) {
      const data = l === 0 ? this.inputRows : transpose(this.activations[l]!, inputs, rows, this.flipped);
      this.savedRowsMajor[l] = tf.tensor2d(data.subarray(0, rows * inputs), [rows, inputs]);
    }
    return this.savedRowsMajor[l];
  }

  private releaseSaved(): void {
    for (const saved of [this.savedT, this.savedRowsMajor]) {
      for (let l = 0; l < saved.length; l++) {
        saved[l]?.dispose();
        saved[l] = undefined;
      }
    }
    this.savedRows = 0;
  }

  dispose(): void {
    this.releaseSaved();
    this.two.dispose();
    for (const layer of this.layers) {
      layer.kernelT?.dispose();
      layer.kernelT = undefined;
    }
  }
}

/** act'(z) expressed through y = act(z). */
function derivative(activation: 'tanh' | 'relu' | 'linear', y: number): number {
  if (activation === 'relu') return y > 0 ? 1 : 0;
  if (activation === 'tanh') return 1 - y * y;
  return 1;
}
