/**
 * The PPO actor-critic: separate actor and critic MLPs (CleanRL's `Agent`), a state-independent
 * log-std for continuous dimensions, the hybrid action distribution and the observation encoder.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../env/core/rng.ts';
import type { Space } from '../../env/spaces/space.ts';
import { ActionLayout } from '../nn/action-layout.ts';
import { HybridDistribution } from '../nn/hybrid-distribution.ts';
import { buildMlp, DenseStack, type HiddenActivation } from '../nn/mlp.ts';
import { ObservationEncoder } from '../nn/observation-encoder.ts';

/** Output gains of CleanRL's `layer_init`. */
const POLICY_HEAD_GAIN = 0.01;
const VALUE_HEAD_GAIN = 1;

export interface PpoPolicyOptions {
  readonly hidden: readonly number[];
  readonly activation: HiddenActivation;
  readonly initLogStd: number;
  readonly normObs: boolean;
  readonly clipObs: number;
}

export class PpoPolicy {
  readonly layout: ActionLayout;
  readonly dist: HybridDistribution;
  readonly encoder: ObservationEncoder;

  private constructor(
    observationSpace: Space<unknown>,
    actionSpace: Space<unknown>,
    options: Pick<PpoPolicyOptions, 'normObs' | 'clipObs'>,
    readonly actor: DenseStack,
    readonly critic: DenseStack,
    /** Log-std of the Gaussian (length C), absent without continuous dims. */
    readonly logStd: tf.Variable | undefined,
  ) {
    this.layout = new ActionLayout(actionSpace);
    this.dist = new HybridDistribution(this.layout.nvec, this.layout.continuousDims);
    this.encoder = new ObservationEncoder(observationSpace, options.normObs, options.clipObs);
    if (actor.inputDim !== this.encoder.dim || critic.inputDim !== this.encoder.dim) {
      throw new Error(`policy networks take ${actor.inputDim} (actor) / ${critic.inputDim} (critic) inputs, the observation space flattens to ${this.encoder.dim}`);
    }
    if (actor.outputDim !== this.dist.headDim) throw new Error(`actor has ${actor.outputDim} outputs, the action space needs ${this.dist.headDim}`);
    if (critic.outputDim !== 1) throw new Error(`critic has ${critic.outputDim} outputs, expected 1`);
    if ((logStd?.shape[0] ?? 0) !== this.layout.continuousDims) {
      throw new Error(`log-std has ${logStd?.shape[0] ?? 0} entries, the action space has ${this.layout.continuousDims} continuous dims`);
    }
  }

  /** A freshly initialised policy for the given spaces; weights drawn from `rng`. */
  static create(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: PpoPolicyOptions, rng: Rng): PpoPolicy {
    const layout = new ActionLayout(actionSpace);
    const dist = new HybridDistribution(layout.nvec, layout.continuousDims);
    const inputDim = new ObservationEncoder(observationSpace, false).dim;
    const common = { inputDim, hidden: options.hidden, activation: options.activation };
    const actor = new DenseStack(buildMlp({ name: 'actor', outputDim: dist.headDim, outputGain: POLICY_HEAD_GAIN, ...common }, rng));
    const critic = new DenseStack(buildMlp({ name: 'critic', outputDim: 1, outputGain: VALUE_HEAD_GAIN, ...common }, rng));
    const logStd = layout.continuousDims > 0 ? tf.variable(tf.fill([layout.continuousDims], options.initLogStd), true, 'actor_logstd') : undefined;
    return new PpoPolicy(observationSpace, actionSpace, options, actor, critic, logStd);
  }

  /** A policy around loaded networks (checkpoints); throws if they do not fit the spaces. */
  static fromNetworks(
    observationSpace: Space<unknown>,
    actionSpace: Space<unknown>,
    options: Pick<PpoPolicyOptions, 'normObs' | 'clipObs'>,
    actor: tf.LayersModel,
    critic: tf.LayersModel,
    logStd: Float32Array | undefined,
  ): PpoPolicy {
    const variable = logStd !== undefined && logStd.length > 0 ? tf.variable(tf.tensor1d(logStd), true, 'actor_logstd') : undefined;
    return new PpoPolicy(observationSpace, actionSpace, options, new DenseStack(actor), new DenseStack(critic), variable);
  }

  /** Every trainable variable (actor, critic, log-std). */
  get variables(): tf.Variable[] {
    return [...this.actor.variables, ...this.critic.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  /** The log-std values (empty without continuous dims). */
  logStdValues(): Float32Array {
    return this.logStd === undefined ? new Float32Array(0) : (this.logStd.dataSync() as Float32Array);
  }

  /**
   * One batched forward pass for `batch` normalised observation rows: writes the policy head
   * (`[batch, headDim]`) and, if `values` is given, V(s) (`[batch]`). One tidy, one download.
   */
  forward(obs: Float32Array, batch: number, head: Float32Array, values?: Float32Array): void {
    const headDim = this.dist.headDim;
    const out = tf.tidy(() => {
      const x = tf.tensor2d(obs.subarray(0, batch * this.encoder.dim), [batch, this.encoder.dim]);
      const h = this.actor.apply(x);
      return values === undefined ? h : tf.concat([h, this.critic.apply(x)], 1);
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    if (values === undefined) {
      head.set(data.subarray(0, batch * headDim));
      return;
    }
    const stride = headDim + 1;
    for (let b = 0; b < batch; b++) {
      head.set(data.subarray(b * stride, b * stride + headDim), b * headDim);
      values[b] = data[b * stride + headDim]!;
    }
  }

  /** V(s) for `batch` normalised rows. */
  value(obs: Float32Array, batch: number, values: Float32Array): void {
    const out = tf.tidy(() => this.critic.apply(tf.tensor2d(obs.subarray(0, batch * this.encoder.dim), [batch, this.encoder.dim])));
    values.set((out.dataSync() as Float32Array).subarray(0, batch));
    out.dispose();
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}
