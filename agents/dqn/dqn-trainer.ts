/**
 * DQN training loop (CleanRL dqn.py with SB3's DQN schedule): uniform random actions for the
 * first `learningStarts` steps, then epsilon-greedy exploration with a linear schedule, a replay
 * buffer, double Q-learning targets (`doubleQ`; else SB3's max over the target network) from a
 * target network (hard or Polyak updates), Huber loss, global gradient-norm clipping,
 * bootstrapping on `terminated` only (a truncated episode still bootstraps from its final
 * observation).
 *
 * Several action dimensions use the branching architecture's target (Tavakoli et al. 2018,
 * eq. 6): one target shared by all branches, the mean over branches of the double-Q value
 *   y = r + gamma (1 - terminated) (1/D) sum_d Q_d^target(s', argmax_a Q_d(s', a)),
 * and the loss is the mean over branches of Huber(Q_d(s, a_d) - y).
 */
import { holdNetwork, releaseNetwork } from '../trainer-held-networks.ts';
import { Subject, type Observable } from 'rxjs';
import { InvalidArgumentError } from '../../env/core/errors.ts';
import { parseKwargs } from '../../env/core/zod-issues.ts';
import { checkTrainerOptions } from '../trainer-options.ts';
import { TrainerLifecycle } from '../trainer-lifecycle.ts';
import { makeRng, restoreRng, subSeed, type Rng } from '../../env/core/rng.ts';
import { buildVectorEnv, EnvBatch, type EnvSource } from '../env-batch.ts';
import { DQN_LOG_EVERY_GRADIENT_STEPS, keepRecentReturn, type MetricRecord } from '../metrics.ts';
import { ActionLayout } from '../nn/action-layout.ts';
import { FlatAdam, NonFiniteGradientError, type FlatAdamState } from '../nn/flat-adam.ts';
import { TrainingDivergedError } from '../training-diverged.ts';
import { trainingSeedOffset } from '../training-seeds.ts';
import { ObservationEncoder } from '../nn/observation-encoder.ts';
import { BranchingQNetwork } from './branching-q-network.ts';
import { DqnHyperparametersSchema, linearSchedule, type DqnHyperparameters } from './hyperparameters.ts';
import { ReplayBuffer, type ReplayBatch } from './replay-buffer.ts';

/** Env steps between yields to the event loop in `train` (where progress is reported and an abort is seen). */
const YIELD_EVERY = 256;

/** A DQN run's progress counters, saved in checkpoints. */
export interface DqnCounters {
  /** Env steps taken, summed over the envs. */
  globalStep: number;
  /** Gradient steps taken. */
  gradientSteps: number;
  /** How often the run was resumed from a checkpoint (it offsets the envs' reset seeds). */
  resumes: number;
}

/** The acting half of DQN: Q network, observation encoder and action layout. */
export interface DqnPolicyParts {
  readonly qNetwork: BranchingQNetwork;
  readonly encoder: ObservationEncoder;
}

/**
 * What a DQN checkpoint restores besides the policy: target network, counters, random stream and
 * optimizer state.
 */
export interface DqnRestoreState extends DqnPolicyParts {
  readonly targetNetwork: BranchingQNetwork;
  readonly counters: DqnCounters;
  readonly rngState: object;
  readonly optimizerState: FlatAdamState;
}

/** The envs (`makeEnv` per env, or `makeVectorEnv`), hyperparameters, seed and an optional restored state. The envs' action space must be discrete already (wrap Box parts in DiscretizeAction). */
export type DqnTrainerOptions = EnvSource & {
  /** Checked by {@link DqnHyperparametersSchema} (defaults filled in); a KwargsError names every bad field, its rule and its value. */
  readonly hp: DqnHyperparameters;
  readonly seed: number;
  readonly restore?: DqnRestoreState;
};

/**
 * Trains a DQN agent (CleanRL's dqn.py with SB3's schedule; branching, optionally double and
 * dueling, Q network) on envs with a discrete action space: wrap a Box part in `DiscretizeAction`.
 * See the header of agents/dqn/dqn-trainer.ts for the algorithm.
 */
export class DqnTrainer {
  readonly hp: DqnHyperparameters;
  readonly qNetwork: BranchingQNetwork;
  readonly targetNetwork: BranchingQNetwork;
  readonly encoder: ObservationEncoder;
  readonly layout: ActionLayout;
  readonly optimizer: FlatAdam;
  readonly counters: DqnCounters;
  rng: Rng;
  readonly replay: ReplayBuffer;
  private readonly envs: EnvBatch;
  private readonly metricsSubject = new Subject<MetricRecord>();
  /**
   * Metrics: one record per finished episode and one per DQN_LOG_EVERY_GRADIENT_STEPS gradient steps
   * (at most one per env step; `charts/SPS` is env steps per second since the previous one).
   * Completes on `close()` (or `dispose()`), and when training inside `train()` fails (which rejects
   * with the error; the trainer then refuses to train again). An argument `train()` refuses leaves it open.
   *
   * Subscribers run synchronously mid-step (an episode's record comes before that step's gradient
   * steps): a checkpoint saved there holds the trainer as it is then. A `close()` or `dispose()`
   * there ends `train()` with the trainer-closed GymError. A subscriber that throws does not stop
   * training: rxjs rethrows its error asynchronously, as an uncaughtException that ends Node by
   * default, so catch inside the callback or route errors with operators (`tap` and `catchError`).
   */
  readonly metrics$: Observable<MetricRecord> = this.metricsSubject.asObservable();
  /** Returns of the most recent finished episodes (newest last, at most `RECENT_RETURNS`, 100). */
  readonly recentReturns: number[] = [];
  /** Transitions sampled at once: a whole training phase's without double Q, else one minibatch. */
  private readonly batch: ReplayBatch;
  private readonly obs: Float32Array;
  private readonly actions: Int32Array;
  private readonly envActions: unknown[];
  /** TD targets of `batch`. */
  private readonly targets: Float32Array;
  /** Greedy next actions for the TD targets (`[rows of batch, D]`). */
  private readonly greedyNext: Int32Array;
  private readonly explore: Uint8Array;
  private readonly actingRaw: Float32Array;
  private readonly normObs: Float32Array;
  private readonly normBatch: Float32Array;
  private readonly normNextBatch: Float32Array;
  /** Raw outputs: target network and online network on `batch`'s next observations, online network on a minibatch, loss gradient. */
  private readonly targetRaw: Float32Array;
  private readonly onlineNextRaw: Float32Array;
  private readonly onlineRaw: Float32Array;
  private readonly dRaw: Float32Array;
  /** Flat gradient of the Q network's parameters. */
  private readonly gradient: Float32Array;
  private lastLogTime = 0;
  private lastLogStep = 0;
  private readonly lifecycle = new TrainerLifecycle('DqnTrainer');

  /**
   * Builds its networks on the running TensorFlow.js backend (a restored state brings its own): start
   * one first with `await initBackend()` (the fastest), or TF.js starts its slow default, `cpu`.
   * `trainRun` and the checkpoint loaders start the fastest themselves when none is running.
   */
  constructor(options: DqnTrainerOptions) {
    checkTrainerOptions('DqnTrainer', options);
    // checked as trainRun checks them: an hp edited after parsing (trainFrequency 0, a batchSize above bufferSize) got past the schema
    const hp = parseKwargs(DqnHyperparametersSchema, options.hp, 'DqnTrainer', 'hp');
    this.hp = hp;
    const vectorEnv = buildVectorEnv(options, hp.numEnvs);
    // a construction that fails (an env whose reset throws, say) closes the envs and frees the
    // networks built here; restored ones are the caller's
    const created: BranchingQNetwork[] = [];
    try {
      this.layout = new ActionLayout(vectorEnv.singleActionSpace);
      if (this.layout.continuousDims > 0) throw new Error(`DQN needs a discrete action space; wrap ${vectorEnv.singleActionSpace.toString()} in DiscretizeAction`);
      if (options.restore) {
        this.encoder = options.restore.encoder;
        this.qNetwork = options.restore.qNetwork;
        this.targetNetwork = options.restore.targetNetwork;
      } else {
        this.encoder = new ObservationEncoder(vectorEnv.singleObservationSpace, hp.normObs, hp.clipObs);
        const init = makeRng(subSeed(options.seed, 'dqn/init'));
        this.qNetwork = BranchingQNetwork.create('q_network', this.encoder.dim, this.layout.nvec, hp.hidden, hp.dueling, init, hp.init);
        created.push(this.qNetwork);
        this.targetNetwork = BranchingQNetwork.create('target_network', this.encoder.dim, this.layout.nvec, hp.hidden, hp.dueling, init, hp.init);
        created.push(this.targetNetwork);
        this.targetNetwork.net.updateFrom(this.qNetwork.net, 1);
        this.targetNetwork.markUpdated();
      }
      this.envs = new EnvBatch(vectorEnv, this.encoder);
      this.optimizer = new FlatAdam(this.qNetwork.net.variables, { learningRate: hp.learningRate, epsilon: hp.adamEps, maxGradNorm: hp.maxGradNorm, simd: true });
      if (options.restore) this.optimizer.setState(options.restore.optimizerState);
      this.counters = options.restore ? { ...options.restore.counters, resumes: options.restore.counters.resumes + 1 } : { globalStep: 0, gradientSteps: 0, resumes: 0 };
      this.rng = options.restore ? restoreRng(options.restore.rngState) : makeRng(subSeed(options.seed, 'dqn/explore'));

      const D = this.layout.discreteDims;
      const dim = this.encoder.dim;
      this.replay = new ReplayBuffer(hp.bufferSize, dim, D);
      const sampledRows = this.sampledRows;
      this.batch = ReplayBuffer.allocateBatch(sampledRows, dim, D);
      this.obs = new Float32Array(hp.numEnvs * dim);
      this.actions = new Int32Array(hp.numEnvs * D);
      this.envActions = new Array<unknown>(hp.numEnvs);
      this.targets = new Float32Array(sampledRows);
      this.greedyNext = new Int32Array(sampledRows * D);
      this.explore = new Uint8Array(hp.numEnvs);
      this.actingRaw = new Float32Array(hp.numEnvs * this.qNetwork.outputDim);
      this.normObs = new Float32Array(hp.numEnvs * dim);
      this.normBatch = new Float32Array(sampledRows * dim);
      this.normNextBatch = new Float32Array(sampledRows * dim);
      const width = this.qNetwork.outputDim;
      this.targetRaw = new Float32Array(sampledRows * width);
      this.onlineNextRaw = new Float32Array(hp.doubleQ ? sampledRows * width : 0);
      this.onlineRaw = new Float32Array(hp.batchSize * width);
      this.dRaw = new Float32Array(hp.batchSize * width);
      this.gradient = new Float32Array(this.optimizer.size);
      this.envs.reset(options.seed + trainingSeedOffset(this.counters.resumes));
      this.encoder.rms?.update(this.envs.obs, hp.numEnvs);
      holdNetwork(this.qNetwork); // an agent made over trainer.qNetwork borrows it
    } catch (error) {
      vectorEnv.close();
      for (const network of created) network.dispose();
      throw error;
    }
  }

  /**
   * Transitions sampled (and TD targets computed) at once. Without double Q the targets depend
   * only on the target network, which is synced between env steps and so fixed during a training
   * phase, and sampling is the phase's only draw from the RNG: all of a phase's minibatches are
   * sampled up front and their targets computed in one target-network pass (the same samples and
   * targets as step by step, in fewer, larger ops). Double Q needs the online network of each step.
   */
  private get sampledRows(): number {
    return (this.hp.doubleQ ? 1 : this.hp.gradientSteps) * this.hp.batchSize;
  }

  /** Exploration rate at the current step. */
  get epsilon(): number {
    const hp = this.hp;
    return linearSchedule(hp.startE, hp.endE, hp.explorationFraction * hp.totalTimesteps, this.counters.globalStep);
  }

  /** One vector step: act, store transitions, and train / update the target when due. */
  iterate(): void {
    this.lifecycle.iteration(() => this.stepAndTrain());
  }

  private stepAndTrain(): void {
    this.lifecycle.checkOpen('iterate');
    const hp = this.hp;
    const E = hp.numEnvs;
    const D = this.layout.discreteDims;
    if (this.lastLogTime === 0) {
      this.lastLogTime = performance.now();
      this.lastLogStep = this.counters.globalStep;
    }
    this.obs.set(this.envs.obs);
    const epsilon = this.epsilon;
    // Before learningStarts every action is uniform random (SB3's _sample_action warm-up).
    const warmup = this.counters.globalStep < hp.learningStarts;
    let anyGreedy = false;
    const explore = this.explore;
    for (let e = 0; e < E; e++) {
      // Per-dimension exploration acts greedily first and then perturbs single dimensions.
      explore[e] = warmup || (!hp.explorationPerDimension && this.rng() < epsilon) ? 1 : 0;
      if (!explore[e]) anyGreedy = true;
    }
    if (anyGreedy) {
      const norm = this.encoder.normalize(this.obs, E, this.normObs);
      this.qNetwork.greedy(this.qNetwork.actingOutputs(norm, E, this.actingRaw), E, this.actions);
    }
    for (let e = 0; e < E; e++) {
      if (explore[e]) for (let d = 0; d < D; d++) this.actions[e * D + d] = Math.floor(this.rng() * this.layout.nvec[d]!);
      else if (hp.explorationPerDimension) {
        for (let d = 0; d < D; d++) if (this.rng() < epsilon) this.actions[e * D + d] = Math.floor(this.rng() * this.layout.nvec[d]!);
      }
      this.envActions[e] = this.layout.toEnv(this.actions, EMPTY_CONTINUOUS, e);
    }

    this.envs.step(this.envActions);
    this.counters.globalStep += E;
    for (let e = 0; e < E; e++) {
      // An autoreset step ignored the action: no transition.
      if (!this.envs.autoreset[e]) this.replay.add(this.obs, this.envs.obs, this.actions, e, this.envs.rewards[e]! * hp.rewardScale, this.envs.terminated[e] === 1);
    }
    this.encoder.rms?.update(this.envs.obs, E);
    for (const episode of this.envs.finished) {
      keepRecentReturn(this.recentReturns, episode.r);
      this.emit({ step: this.counters.globalStep, metrics: { 'charts/episodic_return': episode.r, 'charts/episodic_length': episode.l, 'charts/epsilon': epsilon } });
    }

    const vectorSteps = this.counters.globalStep / E;
    if (this.counters.globalStep > hp.learningStarts && this.replay.size >= hp.batchSize && vectorSteps % hp.trainFrequency === 0) {
      if (hp.annealLr) this.optimizer.learningRate = hp.learningRate * Math.max(0, 1 - this.counters.globalStep / hp.totalTimesteps);
      const perSample = this.sampledRows / hp.batchSize;
      for (let g = 0; g < hp.gradientSteps; g++) {
        if (g % perSample === 0) this.sampleWithTargets();
        this.gradientStep((g % perSample) * hp.batchSize);
      }
    }
    if (vectorSteps % Math.max(1, Math.floor(hp.targetNetworkFrequency / E)) === 0) {
      this.targetNetwork.net.updateFrom(this.qNetwork.net, hp.tau);
      this.targetNetwork.markUpdated();
    }
  }

  /** Sample `sampledRows` transitions into `batch` and compute their TD targets. */
  private sampleWithTargets(): void {
    const hp = this.hp;
    const rows = this.sampledRows;
    const batch = this.replay.sample(rows, this.rng, this.batch);
    this.encoder.normalize(batch.obs, rows, this.normBatch);
    const nextObs = this.encoder.normalize(batch.nextObs, rows, this.normNextBatch);
    // Double DQN: the online network picks, the target network values.
    const targetRaw = this.targetNetwork.rawOutputs(nextObs, rows, this.targetRaw);
    const onlineRaw = hp.doubleQ ? this.qNetwork.rawOutputs(nextObs, rows, this.onlineNextRaw) : undefined;
    tdTargets(this.targetNetwork, targetRaw, onlineRaw === undefined ? undefined : { network: this.qNetwork, raw: onlineRaw }, batch, rows, hp.gamma, this.greedyNext, this.targets);
  }

  /** One gradient step on the minibatch of `batch`'s rows `first ..< first + batchSize`. */
  private gradientStep(first: number): void {
    const B = this.hp.batchSize;
    const dim = this.encoder.dim;
    const D = this.layout.discreteDims;
    const obs = this.normBatch.subarray(first * dim, (first + B) * dim);
    const actions = this.batch.actions.subarray(first * D, (first + B) * D);
    const targets = this.targets.subarray(first, first + B);
    const { loss, meanQ } = this.qNetwork.tdLossAndGradient(obs, actions, targets, B, this.onlineRaw, this.dRaw, this.gradient);
    try {
      this.optimizer.applyFlatGradient(this.gradient);
    } catch (error) {
      if (!(error instanceof NonFiniteGradientError)) throw error;
      const where = `DQN gradient step ${this.counters.gradientSteps + 1} (env step ${this.counters.globalStep})`;
      throw new TrainingDivergedError(where, { 'losses/td_loss': loss, 'losses/q_values': meanQ }, this.hp.learningRate, error);
    }
    this.qNetwork.markUpdated(this.optimizer.parameters);
    this.counters.gradientSteps += 1;
    // One training phase can cross two multiples of DQN_LOG_EVERY_GRADIENT_STEPS with no env step
    // between: log once per env step, else the second record repeats the step with SPS 0.
    if (this.counters.gradientSteps % DQN_LOG_EVERY_GRADIENT_STEPS === 0 && this.counters.globalStep > this.lastLogStep) {
      const now = performance.now();
      const sps = ((this.counters.globalStep - this.lastLogStep) * 1000) / Math.max(now - this.lastLogTime, 1e-3);
      this.lastLogTime = now;
      this.lastLogStep = this.counters.globalStep;
      this.emit({ step: this.counters.globalStep, metrics: { 'losses/td_loss': loss, 'losses/q_values': meanQ, 'charts/learning_rate': this.optimizer.learningRate, 'charts/SPS': sps } });
    }
  }

  /**
   * Train until `totalSteps` env steps (at most `hp.totalTimesteps`), yielding to the event loop
   * every `YIELD_EVERY` (256) steps; stops at the first yield after `signal` aborts (the trainer
   * stays consistent: save it and resume later). Refused (a GymError) after a `train()` that
   * failed, which ended `metrics$`, and after `close()` or `dispose()`.
   */
  async train(totalSteps: number, onProgress?: (trainer: DqnTrainer) => void, signal?: AbortSignal): Promise<void> {
    this.lifecycle.checkTrainable(totalSteps, onProgress, 'onProgress', signal);
    // the schedules run over hp.totalTimesteps: past it annealLr's learning rate stayed 0
    if (!(totalSteps <= this.hp.totalTimesteps)) {
      throw new InvalidArgumentError(`DqnTrainer.train: totalSteps ${totalSteps} is past hp.totalTimesteps ${this.hp.totalTimesteps}, over which epsilon and the learning rate (annealLr) are scheduled; give a trainer hp.totalTimesteps >= ${totalSteps}`);
    }
    await this.lifecycle.training(this.metricsSubject, async () => {
      let sinceYield = 0;
      while (signal?.aborted !== true && this.counters.globalStep + this.hp.numEnvs <= totalSteps) {
        this.iterate();
        sinceYield += this.hp.numEnvs;
        if (sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          onProgress?.(this);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      onProgress?.(this);
    });
  }

  /**
   * A metric record to `metrics$`. Its subscribers run mid-step: one that closed (or disposed) the
   * trainer ends the step here, before it trains freed networks.
   */
  private emit(record: MetricRecord): void {
    this.metricsSubject.next(record);
    this.lifecycle.checkOpen('iterate');
  }

  /** Closes the envs and completes `metrics$`, even when an env's close() throws (its error is rethrown). */
  close(): void {
    this.lifecycle.close();
    try {
      this.envs.close();
    } finally {
      this.metricsSubject.complete();
    }
  }

  /** Closes the envs and frees the networks, the latter even when an env's close() throws (its error is rethrown); safe to call twice. */
  dispose(): void {
    if (!this.lifecycle.dispose()) return;
    try {
      this.close();
    } finally {
      releaseNetwork(this.qNetwork);
      this.qNetwork.dispose();
      this.targetNetwork.dispose();
    }
  }
}

const EMPTY_CONTINUOUS = new Float32Array(0);

/**
 * TD targets into `out` (`[batch]`): y_b = r_b + gamma (1 - terminated_b) (1/D) sum_d
 * Q_d^target(s'_b, a*_d), where a* is the argmax of `selector`'s outputs (double DQN, selector =
 * online network) or, without a selector, of the target network's own (its max, as SB3's DQN).
 * `targetRaw` / `selector.raw` are the networks' raw outputs on the batch's next observations;
 * `greedy` is `[batch, D]` scratch.
 */
export function tdTargets(
  target: BranchingQNetwork,
  targetRaw: Float32Array,
  selector: { readonly network: BranchingQNetwork; readonly raw: Float32Array } | undefined,
  batch: Pick<ReplayBatch, 'rewards' | 'terminated'>,
  batchSize: number,
  gamma: number,
  greedy: Int32Array,
  out: Float32Array,
): void {
  const D = target.dims;
  if (selector) selector.network.greedy(selector.raw, batchSize, greedy);
  else target.greedy(targetRaw, batchSize, greedy);
  for (let b = 0; b < batchSize; b++) {
    let next = 0;
    for (let d = 0; d < D; d++) next += target.q(targetRaw, b, d, greedy[b * D + d]!);
    out[b] = batch.rewards[b]! + gamma * (1 - batch.terminated[b]!) * (next / D);
  }
}
