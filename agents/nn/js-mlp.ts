/**
 * A plain-JS copy of a {@link DenseStack} for acting. Choosing actions needs a forward pass over a
 * handful of rows per env step, where TF.js's per-op dispatch (tens of microseconds on wasm)
 * dwarfs the arithmetic; a loop over cached Float32Array weights is several times faster.
 * `refresh()` re-reads the weights (after every optimiser step that precedes acting).
 */
import type { DenseStack } from './mlp.ts';
import { tanh } from './tanh.ts';

interface JsLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Row-major `[inputs, outputs]`. */
  kernel: Float32Array;
  bias: Float32Array;
  readonly activation: 'tanh' | 'relu' | 'linear';
}

export class JsMlp {
  readonly stack: DenseStack;
  private readonly layers: JsLayer[];
  private readonly scratch: [Float64Array, Float64Array];

  constructor(stack: DenseStack) {
    this.stack = stack;
    this.layers = stack.layers.map((l) => ({
      inputs: l.kernel.shape[0]!,
      outputs: l.kernel.shape[1]!,
      kernel: new Float32Array(0),
      bias: new Float32Array(0),
      activation: l.activation,
    }));
    const widest = Math.max(...this.layers.map((l) => Math.max(l.inputs, l.outputs)));
    this.scratch = [new Float64Array(widest), new Float64Array(widest)];
    this.refresh();
  }

  /** Re-read the weights from the TF.js variables. */
  refresh(): void {
    this.stack.layers.forEach((l, i) => {
      this.layers[i]!.kernel = l.kernel.dataSync() as Float32Array;
      this.layers[i]!.bias = l.bias.dataSync() as Float32Array;
    });
  }

  get inputDim(): number {
    return this.layers[0]!.inputs;
  }

  get outputDim(): number {
    return this.layers[this.layers.length - 1]!.outputs;
  }

  /**
   * Forward pass for `rows` rows of `input` (`[rows, inputDim]`), writing row r's outputs to
   * `out[r * outStride + outOffset ..]`.
   */
  forward(input: Float32Array, rows: number, out: Float32Array, outStride = this.outputDim, outOffset = 0): void {
    let [a, b] = this.scratch;
    for (let r = 0; r < rows; r++) {
      const first = this.layers[0]!;
      for (let i = 0; i < first.inputs; i++) a[i] = input[r * first.inputs + i]!;
      for (let li = 0; li < this.layers.length; li++) {
        const { inputs, outputs, kernel, bias, activation } = this.layers[li]!;
        for (let o = 0; o < outputs; o++) b[o] = bias[o]!;
        for (let i = 0; i < inputs; i++) {
          const x = a[i]!;
          if (x === 0) continue;
          const row = i * outputs;
          for (let o = 0; o < outputs; o++) b[o]! += x * kernel[row + o]!;
        }
        if (activation === 'tanh') for (let o = 0; o < outputs; o++) b[o] = tanh(b[o]!);
        else if (activation === 'relu') for (let o = 0; o < outputs; o++) b[o] = b[o]! > 0 ? b[o]! : 0;
        [a, b] = [b, a];
      }
      const base = r * outStride + outOffset;
      for (let o = 0; o < this.outputDim; o++) out[base + o] = a[o]!;
    }
  }
}
