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
import { JsMlp } from '../nn/js-mlp.ts';
import { ObservationEncoder } from '../nn/observation-encoder.ts';

/** Output gains of CleanRL's `layer_init`. */
const POLICY_HEAD_GAIN = 0.01;
const VALUE_HEAD_GAIN = 1;

/** Policies created so far in this process: TF.js variable names must be unique per process. */
let logStdCount = 0;

/** A fresh name for a log-std variable (`actor_logstd`, then `actor_logstd_1`, ...), so several policies can be alive at once. */
function logStdName(): string {
  const name = logStdCount === 0 ? 'actor_logstd' : `actor_logstd_${logStdCount}`;
  logStdCount += 1;
  return name;
}

/** A trainable log-std variable holding `initial`'s values; `initial` is disposed (the variable keeps its own reference). */
function variableOf(initial: tf.Tensor1D): tf.Variable {
  const variable = tf.variable(initial, true, logStdName());
  initial.dispose();
  return variable;
}

/** The network settings of a `PpoPolicy`, taken from the PPO hyperparameters of the same names. */
export interface PpoPolicyOptions {
  readonly hidden: readonly number[];
  readonly activation: HiddenActivation;
  readonly initLogStd: number;
  readonly normObs: boolean;
  readonly clipObs: number;
}

/**
 * PPO's actor-critic (CleanRL's `Agent`): separate actor and critic MLPs, a state-independent
 * log-std for the continuous action dimensions, the hybrid action distribution and the observation
 * encoder.
 */
export class PpoPolicy {
  readonly actor: DenseStack;
  readonly critic: DenseStack;
  /** Log-std of the Gaussian (length C), absent without continuous dims. */
  readonly logStd: tf.Variable | undefined;
  readonly layout: ActionLayout;
  readonly dist: HybridDistribution;
  readonly encoder: ObservationEncoder;
  /** Plain-JS copies of the networks for acting (see nn/js-mlp.ts). */
  private readonly actorJs: JsMlp;
  private readonly criticJs: JsMlp;
  private stale = false;

  private constructor(
    observationSpace: Space<unknown>,
    actionSpace: Space<unknown>,
    options: Pick<PpoPolicyOptions, 'normObs' | 'clipObs'>,
    actor: DenseStack,
    critic: DenseStack,
    logStd: tf.Variable | undefined,
  ) {
    this.actor = actor;
    this.critic = critic;
    this.logStd = logStd;
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
    this.actorJs = new JsMlp(actor);
    this.criticJs = new JsMlp(critic);
  }

  /** Call after the variables changed (an optimiser step): acting re-reads them lazily. */
  markUpdated(): void {
    this.stale = true;
  }

  private syncActing(): void {
    if (!this.stale) return;
    this.actorJs.refresh();
    this.criticJs.refresh();
    this.stale = false;
  }

  /** A freshly initialised policy for the given spaces; weights drawn from `rng`. */
  static create(observationSpace: Space<unknown>, actionSpace: Space<unknown>, options: PpoPolicyOptions, rng: Rng): PpoPolicy {
    const layout = new ActionLayout(actionSpace);
    const dist = new HybridDistribution(layout.nvec, layout.continuousDims);
    const inputDim = new ObservationEncoder(observationSpace, false).dim;
    const common = { inputDim, hidden: options.hidden, activation: options.activation };
    const actor = new DenseStack(buildMlp({ name: 'actor', outputDim: dist.headDim, outputGain: POLICY_HEAD_GAIN, ...common }, rng));
    const critic = new DenseStack(buildMlp({ name: 'critic', outputDim: 1, outputGain: VALUE_HEAD_GAIN, ...common }, rng));
    const logStd = layout.continuousDims > 0 ? variableOf(tf.fill([layout.continuousDims], options.initLogStd)) : undefined;
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
    const variable = logStd !== undefined && logStd.length > 0 ? variableOf(tf.tensor1d(logStd)) : undefined;
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
   * Policy head (`[batch, headDim]`) and, if `values` is given, V(s) (`[batch]`) for `batch`
   * normalised observation rows, computed in plain JS (acting-sized batches).
   */
  forward(obs: Float32Array, batch: number, head: Float32Array, values?: Float32Array): void {
    this.syncActing();
    this.actorJs.forward(obs, batch, head);
    if (values !== undefined) this.criticJs.forward(obs, batch, values);
  }

  /** V(s) for `batch` normalised rows. */
  value(obs: Float32Array, batch: number, values: Float32Array): void {
    this.syncActing();
    this.criticJs.forward(obs, batch, values);
  }

  /** Whether its networks were freed (by `dispose()`, or a trainer holding it). */
  get isDisposed(): boolean {
    return this.actor.isDisposed || this.critic.isDisposed || (this.logStd?.isDisposed ?? false);
  }

  /** Frees the policy's tensors; the policy is unusable afterwards. */
  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}
