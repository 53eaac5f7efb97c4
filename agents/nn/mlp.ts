/**
 * Multi-layer perceptrons as TF.js `Sequential` models of Dense layers (so they save and load with
 * the standard Layers format), initialised as CleanRL's `layer_init`: orthogonal kernels with gain
 * sqrt(2) on hidden layers and a head-specific gain on the output, zero biases.
 *
 * Training and inference run through {@link DenseStack}, which applies the layers' variables with
 * raw ops: the Layers API's per-call bookkeeping costs more than the maths at these sizes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../env/core/rng.ts';
import { dense } from './dense-op.ts';
import { orthogonalKernel } from './orthogonal.ts';

/** Hidden-layer nonlinearity. */
export type HiddenActivation = 'tanh' | 'relu';

export interface MlpSpec {
  /** Model name (prefix of its variable names). */
  readonly name: string;
  readonly inputDim: number;
  /** Width of each hidden layer, e.g. `[64, 64]`. */
  readonly hidden: readonly number[];
  readonly outputDim: number;
  readonly activation: HiddenActivation;
  /** Orthogonal gain of the output layer: 0.01 for a policy head, 1 for a value head. */
  readonly outputGain: number;
  /** Orthogonal gain of hidden layers (CleanRL: sqrt(2)). */
  readonly hiddenGain?: number;
  /**
   * 'orthogonal' (default): CleanRL's layer_init, zero biases. 'torch': PyTorch's nn.Linear
   * default, kernel and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as SB3's and CleanRL's DQN
   * networks start; the gains are then unused.
   */
  readonly init?: MlpInit;
}

/** Weight initialisation scheme of the networks the trainers build (`buildMlp`). */
export type MlpInit = 'orthogonal' | 'torch';

/** Gain CleanRL uses for hidden layers. */
const HIDDEN_GAIN = Math.SQRT2;

/** A Sequential MLP initialised from `rng` (CleanRL's orthogonal init unless `spec.init` says otherwise). */
export function buildMlp(spec: MlpSpec, rng: Rng): tf.Sequential {
  const widths = [spec.inputDim, ...spec.hidden, spec.outputDim];
  const model = tf.sequential({ name: spec.name });
  for (let i = 1; i < widths.length; i++) {
    const isOutput = i === widths.length - 1;
    model.add(
      tf.layers.dense({
        units: widths[i]!,
        activation: isOutput ? 'linear' : spec.activation,
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
        name: `${spec.name}_dense${i - 1}`,
        ...(i === 1 ? { inputShape: [spec.inputDim] } : {}),
      }),
    );
  }
  const gainHidden = spec.hiddenGain ?? HIDDEN_GAIN;
  model.layers.forEach((layer, i) => {
    const isOutput = i === model.layers.length - 1;
    const [fanIn, fanOut] = [widths[i]!, widths[i + 1]!];
    if (spec.init === 'torch') {
      const bound = 1 / Math.sqrt(fanIn);
      const uniform = (n: number) => Float32Array.from({ length: n }, () => (2 * rng() - 1) * bound);
      tf.tidy(() => layer.setWeights([tf.tensor2d(uniform(fanIn * fanOut), [fanIn, fanOut]), tf.tensor1d(uniform(fanOut))]));
      return;
    }
    const kernel = orthogonalKernel(fanIn, fanOut, isOutput ? spec.outputGain : gainHidden, rng);
    tf.tidy(() => layer.setWeights([tf.tensor2d(kernel, [fanIn, fanOut]), tf.zeros([fanOut])]));
  });
  return model;
}

/** One Dense layer of a `DenseStack` as raw TF.js variables. */
export interface DenseLayerVars {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: HiddenActivation | 'linear';
}

/** The Dense layers of a model as raw variables, applied with plain ops. */
export class DenseStack {
  readonly model: tf.LayersModel;
  readonly layers: readonly DenseLayerVars[];

  constructor(model: tf.LayersModel) {
    this.model = model;
    this.layers = model.layers.map((layer, i) => {
      const config = layer.getConfig();
      if (layer.getClassName() !== 'Dense' || config['useBias'] === false) {
        throw new Error(`layer ${i} (${layer.name}) of model ${model.name} is a ${layer.getClassName()}; only Dense layers with bias are supported`);
      }
      const activation = config['activation'];
      if (activation !== 'tanh' && activation !== 'relu' && activation !== 'linear') {
        throw new Error(`layer ${i} (${layer.name}) of model ${model.name} has unsupported activation '${String(activation)}'`);
      }
      const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      return { kernel: kernel!, bias: bias!, activation };
    });
  }

  /** Width of the input (the first kernel's rows). */
  get inputDim(): number {
    return this.layers[0]!.kernel.shape[0]!;
  }

  /** Width of the output (the last kernel's columns). */
  get outputDim(): number {
    return this.layers[this.layers.length - 1]!.kernel.shape[1]!;
  }

  /** Trainable variables in layer order (kernel, bias, ...). */
  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.kernel, l.bias]);
  }

  /** Forward pass; call inside `tf.tidy`. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (const { kernel, bias, activation } of this.layers) {
      h = dense(h, kernel as tf.Tensor2D, bias as tf.Tensor1D, activation);
    }
    return h;
  }

  /** Soft update `this <- tau * source + (1 - tau) * this` (tau = 1: hard copy). */
  updateFrom(source: DenseStack, tau: number): void {
    tf.tidy(() => {
      const src = source.variables;
      this.variables.forEach((v, i) => {
        v.assign(tau === 1 ? src[i]! : tf.add(tf.mul(src[i]!, tau), tf.mul(v, 1 - tau)));
      });
    });
  }

  /** Whether its variables were freed (by `dispose()`, or the model's): acting from JS copies would go on unseen. */
  get isDisposed(): boolean {
    return this.layers.some((l) => l.kernel.isDisposed || l.bias.isDisposed);
  }

  /** Frees the model's tensors; the stack is unusable afterwards. */
  dispose(): void {
    this.model.dispose();
  }
}
