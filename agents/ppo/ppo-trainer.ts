/**
 * PPO training loop, following CleanRL's ppo.py / ppo_continuous_action.py: vectorised rollouts of
 * `numSteps` steps, GAE, then `updateEpochs` epochs of shuffled minibatches of the clipped
 * objective with global gradient-norm clipping and a linearly annealed learning rate.
 *
 * Gymnasium 1.x next-step autoreset: the step after an episode end only resets that env; its
 * transition is kept in the buffer (its V(s) is the final observation's value, which bootstraps
 * a truncated episode in GAE) but excluded from the loss.
 */
import { holdNetwork, releaseNetwork } from '../trainer-held-networks.ts';
import * as tf from '@tensorflow/tfjs';
import { Subject, type Observable } from 'rxjs';
import { InvalidArgumentError } from '../../env/core/errors.ts';
import { parseKwargs } from '../../env/core/zod-issues.ts';
import { checkTrainerOptions } from '../trainer-options.ts';
import { TrainerLifecycle } from '../trainer-lifecycle.ts';
import { makeRng, restoreRng, subSeed, type Rng } from '../../env/core/rng.ts';
import { ReturnNormalizer } from '../../env/wrappers/return-normalizer.ts';
import type { RunningStats } from '../../env/wrappers/running-mean-std.ts';
import { buildVectorEnv, EnvBatch, type EnvSource } from '../env-batch.ts';
import { keepRecentReturn, type MetricRecord } from '../metrics.ts';
import { FlatAdam, NonFiniteGradientError, type FlatAdamState } from '../nn/flat-adam.ts';
import { TrainingDivergedError } from '../training-diverged.ts';
import { trainingSeedOffset } from '../training-seeds.ts';
import { MlpBackprop } from '../nn/mlp-backprop.ts';
import { shuffleInPlace } from '../nn/random.ts';
import { computeGae } from './gae.ts';
import { PpoHyperparametersSchema, type PpoHyperparameters } from './hyperparameters.ts';
import { categoricalPpoLossAndGradient, normalizeAdvantagesInPlace, ppoLossGradientScratch } from './ppo-loss-grad.ts';
import { normalizeAdvantages, ppoLoss } from './ppo-loss.ts';
import { PpoPolicy } from './ppo-policy.ts';

/** Counters that make a run resumable. */
export interface PpoCounters {
  globalStep: number;
  iteration: number;
  /** How many times the run was resumed (varies the env reset seeds after a resume, see training-seeds.ts). */
  resumes: number;
}

/** The envs (`makeEnv` per env, or `makeVectorEnv`), hyperparameters, seed and an optional restored state. */
export type PpoTrainerOptions = EnvSource & {
  /** Checked by {@link PpoHyperparametersSchema} (defaults filled in); a KwargsError names every bad field, its rule and its value. */
  readonly hp: PpoHyperparameters;
  readonly seed: number;
  /** A restored policy, counters, RNG and reward statistics (from a checkpoint) instead of fresh ones. */
  readonly restore?: PpoRestoreState;
};

/**
 * What a PPO checkpoint restores besides the policy's weights: counters, random stream, optimizer
 * state and the reward statistics.
 */
export interface PpoRestoreState {
  readonly policy: PpoPolicy;
  readonly counters: PpoCounters;
  readonly rngState: object;
  readonly optimizerState: FlatAdamState;
  /** The return statistics of normReward; undefined starts them fresh (not normalising, or a checkpoint saved without them). */
  readonly rewardStats: RunningStats | undefined;
}

/**
 * Trains a PPO actor-critic (CleanRL's ppo.py / ppo_continuous_action.py) on Discrete,
 * MultiDiscrete and Box actions and Dicts of them; see the header of agents/ppo/ppo-trainer.ts for
 * the algorithm and how it treats next-step autoreset.
 */
export class PpoTrainer {
  readonly hp: PpoHyperparameters;
  readonly policy: PpoPolicy;
  /** Adam with global gradient-norm clipping over all policy parameters. */
  readonly optimizer: FlatAdam;
  readonly counters: PpoCounters;
  rng: Rng;
  private readonly envs: EnvBatch;
  private readonly metricsSubject = new Subject<MetricRecord>();
  /**
   * Metrics as they are produced: one record per finished episode and one per update. Completes
   * on `close()` (or `dispose()`), and when training inside `train()` fails (which rejects with the
   * error; the trainer then refuses to train again). An argument `train()` refuses leaves it open.
   *
   * Subscribers run synchronously mid-iteration (an episode's record comes mid-rollout, before the
   * update): a checkpoint saved there holds the trainer as it is then (counters partway through the
   * rollout, networks not yet updated); `train()`'s `onIteration` sees whole iterations. A
   * `close()` or `dispose()` there ends `train()` with the trainer-closed GymError. A subscriber
   * that throws does not stop training: rxjs rethrows its error asynchronously, as an
   * uncaughtException that ends Node by default, so catch inside the callback or route errors with
   * operators (`tap` and `catchError`).
   */
  readonly metrics$: Observable<MetricRecord> = this.metricsSubject.asObservable();
  /** Returns of the most recent finished episodes (newest last, at most `RECENT_RETURNS`, 100). */
  readonly recentReturns: number[] = [];

  // Rollout storage, time-major [T, E, ...].
  private readonly T: number;
  private readonly E: number;
  private readonly bufObs: Float32Array;
  private readonly bufDiscrete: Int32Array;
  private readonly bufContinuous: Float32Array;
  /** `[T, E, logProbWidth]`: the joint log-probabilities, or each dimension's (hp.ratio). */
  private readonly bufLogProb: Float32Array;
  /** 1, or the action's dimensions with `ratio: 'per-dimension'`. */
  private readonly logProbWidth: number;
  private readonly bufRewards: Float32Array;
  private readonly bufValues: Float32Array;
  private readonly bufTerminated: Uint8Array;
  private readonly bufDones: Uint8Array;
  private readonly bufValid: Uint8Array;
  private readonly advantages: Float32Array;
  private readonly returns: Float32Array;
  // Per-step scratch.
  private readonly obsNorm: Float32Array;
  private readonly head: Float32Array;
  private readonly stepValues: Float32Array;
  private readonly stepDiscrete: Int32Array;
  private readonly stepContinuous: Float32Array;
  private readonly stepLogProb: Float32Array;
  private readonly stepLogProbPerDimension: Float32Array | undefined;
  private readonly stepActions: unknown[];
  private readonly scaledRewards: Float32Array;
  /** Running statistics of the discounted return (normReward only). */
  private readonly returnNormalizer: ReturnNormalizer | undefined;
  private lastUpdateTime = 0;
  private lastUpdateStep = 0;
  private readonly lifecycle = new TrainerLifecycle('PpoTrainer');
  /**
   * Discrete-only action spaces: the update runs through hand-scheduled passes with the loss and
   * its gradient in JS (see nn/mlp-backprop.ts, ppo-loss-grad.ts) instead of tf.variableGrads.
   */
  private readonly jsUpdate: JsUpdateScratch | undefined;

  /**
   * Builds its networks on the running TensorFlow.js backend (a restored state brings its own): start
   * one first with `await initBackend()` (the fastest), or TF.js starts its slow default, `cpu`.
   * `trainRun` and the checkpoint loaders start the fastest themselves when none is running.
   */
  constructor(options: PpoTrainerOptions) {
    checkTrainerOptions('PpoTrainer', options);
    // checked as trainRun checks them: an hp edited after parsing (numSteps 0) trained forever
    const hp = parseKwargs(PpoHyperparametersSchema, options.hp, 'PpoTrainer', 'hp');
    this.hp = hp;
    const vectorEnv = buildVectorEnv(options, hp.numEnvs);
    // a construction that fails (an env whose reset throws, say) closes the envs and frees the
    // networks built here; a restored policy is the caller's
    let created: PpoPolicy | undefined;
    try {
      if (options.restore) this.policy = options.restore.policy;
      else {
        created = PpoPolicy.create(vectorEnv.singleObservationSpace, vectorEnv.singleActionSpace, hp, makeRng(subSeed(options.seed, 'ppo/init')));
        this.policy = created;
      }
      this.envs = new EnvBatch(vectorEnv, this.policy.encoder);
      this.optimizer = new FlatAdam(this.policy.variables, { learningRate: hp.learningRate, epsilon: hp.adamEps, maxGradNorm: hp.maxGradNorm });
      if (options.restore) this.optimizer.setState(options.restore.optimizerState);
      this.counters = options.restore ? { ...options.restore.counters, resumes: options.restore.counters.resumes + 1 } : { globalStep: 0, iteration: 0, resumes: 0 };
      this.rng = options.restore ? restoreRng(options.restore.rngState) : makeRng(subSeed(options.seed, 'ppo/sample'));

      this.T = hp.numSteps;
      this.E = hp.numEnvs;
      const n = this.T * this.E;
      const dim = this.policy.encoder.dim;
      const D = this.policy.layout.discreteDims;
      const C = this.policy.layout.continuousDims;
      this.bufObs = new Float32Array(n * dim);
      this.bufDiscrete = new Int32Array(n * D);
      this.bufContinuous = new Float32Array(n * C);
      this.logProbWidth = hp.ratio === 'per-dimension' ? D + C : 1;
      this.bufLogProb = new Float32Array(n * this.logProbWidth);
      this.bufRewards = new Float32Array(n);
      this.bufValues = new Float32Array(n);
      this.bufTerminated = new Uint8Array(n);
      this.bufDones = new Uint8Array(n);
      this.bufValid = new Uint8Array(n);
      this.advantages = new Float32Array(n);
      this.returns = new Float32Array(n);
      this.obsNorm = new Float32Array(this.E * dim);
      this.head = new Float32Array(this.E * this.policy.dist.headDim);
      this.stepValues = new Float32Array(this.E);
      this.stepDiscrete = new Int32Array(this.E * D);
      this.stepContinuous = new Float32Array(this.E * C);
      this.stepLogProb = new Float32Array(this.E);
      this.stepLogProbPerDimension = hp.ratio === 'per-dimension' ? new Float32Array(this.E * (D + C)) : undefined;
      this.stepActions = new Array<unknown>(this.E);
      this.scaledRewards = new Float32Array(this.E);
      this.returnNormalizer = hp.normReward ? new ReturnNormalizer(this.E, hp.gamma, 1e-8) : undefined;
      // Resuming keeps the reward scale the critic was trained on (SB3's VecNormalize.load restores
      // ret_rms); the per-env discounted returns restart at 0 with the envs, as VecNormalize's do.
      const rewardStats = options.restore?.rewardStats;
      if (rewardStats !== undefined) this.returnNormalizer?.rms.loadStats(rewardStats);
      this.jsUpdate = C === 0 && this.policy.logStd === undefined ? createJsUpdateScratch(this.policy, n, this.logProbWidth, this.optimizer.size) : undefined;

      this.envs.reset(options.seed + trainingSeedOffset(this.counters.resumes));
      this.observe();
      holdNetwork(this.policy); // an agent made over trainer.policy borrows it
    } catch (error) {
      vectorEnv.close();
      this.jsUpdate?.actor.dispose();
      this.jsUpdate?.critic.dispose();
      created?.dispose();
      throw error;
    }
  }

  /** The running statistics of the discounted return (normReward; else undefined), as a checkpoint saves them. */
  rewardStats(): RunningStats | undefined {
    return this.returnNormalizer?.rms.stats();
  }

  /** Env steps per iteration (numEnvs * numSteps). */
  get batchSize(): number {
    return this.T * this.E;
  }

  /** Iterations for the configured `totalTimesteps`. */
  get numIterations(): number {
    return Math.max(1, Math.floor(this.hp.totalTimesteps / this.batchSize));
  }

  /** Update obs statistics with the latest observations and normalise them into `obsNorm`. */
  private observe(): void {
    this.policy.encoder.rms?.update(this.envs.obs, this.E);
    this.policy.encoder.normalize(this.envs.obs, this.E, this.obsNorm);
  }

  /** One iteration: collect a rollout, then update the policy. */
  iterate(): void {
    this.lifecycle.iteration(() => this.rolloutAndUpdate());
  }

  private rolloutAndUpdate(): void {
    this.lifecycle.checkOpen('iterate');
    if (this.lastUpdateTime === 0) {
      this.lastUpdateTime = performance.now();
      this.lastUpdateStep = this.counters.globalStep;
    }
    this.counters.iteration += 1;
    const frac = Math.max(0, 1 - (this.counters.iteration - 1) / this.numIterations);
    this.optimizer.learningRate = this.hp.annealLr ? frac * this.hp.learningRate : this.hp.learningRate;
    // the policy's clip range only: the value clip keeps hp.clipCoef (see PpoLossCoefficients)
    const clipCoef = this.hp.annealClip ? Math.max(frac * this.hp.clipCoef, 1e-8) : this.hp.clipCoef;
    this.collectRollout();
    const stats = this.update(clipCoef);
    const now = performance.now();
    const sps = ((this.counters.globalStep - this.lastUpdateStep) * 1000) / Math.max(now - this.lastUpdateTime, 1e-3);
    this.emit({
      step: this.counters.globalStep,
      metrics: {
        'charts/learning_rate': this.hp.annealLr ? frac * this.hp.learningRate : this.hp.learningRate,
        'charts/SPS': sps,
        ...stats,
      },
    });
  }

  private collectRollout(): void {
    const { T, E } = this;
    const policy = this.policy;
    const dim = policy.encoder.dim;
    const D = policy.layout.discreteDims;
    const C = policy.layout.continuousDims;
    const logStd = policy.logStdValues();
    for (let t = 0; t < T; t++) {
      const row = t * E;
      this.bufObs.set(this.obsNorm, row * dim);
      policy.forward(this.obsNorm, E, this.head, this.stepValues);
      policy.dist.sample(this.head, logStd, E, this.rng, this.stepDiscrete, this.stepContinuous, this.stepLogProb, this.stepLogProbPerDimension);
      for (let e = 0; e < E; e++) {
        this.bufValid[row + e] = this.envs.needsReset[e] ? 0 : 1;
        this.stepActions[e] = policy.layout.toEnv(this.stepDiscrete, this.stepContinuous, e);
      }
      this.bufDiscrete.set(this.stepDiscrete, row * D);
      this.bufContinuous.set(this.stepContinuous, row * C);
      this.bufLogProb.set(this.stepLogProbPerDimension ?? this.stepLogProb, row * this.logProbWidth);
      this.bufValues.set(this.stepValues, row);

      this.envs.step(this.stepActions);
      this.counters.globalStep += E;
      this.scaleRewards();
      for (let e = 0; e < E; e++) {
        this.bufRewards[row + e] = this.scaledRewards[e]!;
        this.bufTerminated[row + e] = this.envs.terminated[e]!;
        this.bufDones[row + e] = this.envs.terminated[e]! | this.envs.truncated[e]!;
      }
      for (const episode of this.envs.finished) {
        keepRecentReturn(this.recentReturns, episode.r);
        this.emit({ step: this.counters.globalStep, metrics: { 'charts/episodic_return': episode.r, 'charts/episodic_length': episode.l } });
      }
      this.observe();
    }
  }

  /**
   * Training rewards: raw, or divided by the running std of each env's discounted return, as
   * gymnasium's vector NormalizeReward (`ReturnNormalizer`, which `VectorNormalizeReward` runs too):
   * the autoreset step is no transition and adds no sample.
   */
  private scaleRewards(): void {
    const { rewards, terminated, autoreset } = this.envs;
    if (this.returnNormalizer === undefined) this.scaledRewards.set(rewards);
    else this.returnNormalizer.scale(rewards, terminated, autoreset, this.scaledRewards);
  }

  /**
   * GAE and the minibatch epochs; returns the loss terms CleanRL logs (the last minibatch's, and
   * the clip fraction's mean over the update) and how many epochs ran before the `targetKl` stop.
   */
  private update(clipCoef: number): Record<string, number> {
    const hp = this.hp;
    const policy = this.policy;
    const lastValues = new Float32Array(this.E);
    policy.value(this.obsNorm, this.E, lastValues);
    computeGae(
      {
        steps: this.T,
        envs: this.E,
        rewards: this.bufRewards,
        values: this.bufValues,
        terminated: this.bufTerminated,
        dones: this.bufDones,
        lastValues,
        gamma: hp.gamma,
        lambda: hp.gaeLambda,
      },
      this.advantages,
      this.returns,
    );

    // Keep only real transitions (autoreset steps carry no decision).
    let validCount = 0;
    for (let i = 0; i < this.bufValid.length; i++) validCount += this.bufValid[i]!;
    const valid = new Int32Array(validCount);
    for (let i = 0, k = 0; i < this.bufValid.length; i++) if (this.bufValid[i]) valid[k++] = i;

    const values = this.jsUpdate !== undefined ? this.epochsInJs(this.jsUpdate, valid, clipCoef) : this.epochsOnBackend(valid, clipCoef);
    return {
      'losses/policy_loss': values[0]!,
      'losses/value_loss': values[1]!,
      'losses/entropy': values[2]!,
      'losses/approx_kl': values[3]!,
      'losses/clipfrac': values[4]!,
      'losses/update_epochs': values[5]!,
      'losses/explained_variance': explainedVariance(this.bufValues, this.returns, valid),
    };
  }

  /**
   * The minibatch epochs for discrete-only policies: forward and backward passes through
   * MlpBackprop, the loss gradient in JS, one FlatAdam step per minibatch. Same maths and the same
   * random draws as {@link epochsOnBackend}. Returns the last minibatch's loss terms, but the clip
   * fraction's mean over every minibatch of the update (as CleanRL logs them), then the epochs run.
   */
  private epochsInJs(s: JsUpdateScratch, valid: Int32Array, clipCoef: number): number[] {
    const hp = this.hp;
    const policy = this.policy;
    const dim = policy.encoder.dim;
    const D = policy.layout.discreteDims;
    const headDim = policy.dist.headDim;
    const width = this.logProbWidth;
    const validCount = valid.length;
    const order = valid.slice();
    const minibatchSize = Math.max(1, Math.ceil(validCount / hp.numMinibatches));
    const coefficients = { clipCoef, clipVloss: hp.clipVloss, valueClipCoef: hp.clipCoef, entCoef: hp.entCoef, vfCoef: hp.vfCoef };
    const params = this.optimizer.parameters;
    const actorSize = s.actor.size;
    let last = [NaN, NaN, NaN, NaN, NaN];
    let clipFractionSum = 0;
    let minibatches = 0;
    let stopped = false;
    let epoch = 0; // after the loop: the epochs run (none on a rollout of autoreset steps only)
    for (; epoch < hp.updateEpochs && !stopped && validCount > 0; epoch++) {
      if (minibatchSize < validCount) shuffleInPlace(order, this.rng);
      for (let start = 0; start < validCount; start += minibatchSize) {
        const rows = Math.min(start + minibatchSize, validCount) - start;
        for (let r = 0; r < rows; r++) {
          const i = order[start + r]!;
          s.obs.set(this.bufObs.subarray(i * dim, (i + 1) * dim), r * dim);
          s.actions.set(this.bufDiscrete.subarray(i * D, (i + 1) * D), r * D);
          if (width === 1) s.oldLogProb[r] = this.bufLogProb[i]!;
          else s.oldLogProb.set(this.bufLogProb.subarray(i * width, (i + 1) * width), r * width);
          s.advantages[r] = this.advantages[i]!;
          s.oldValues[r] = this.bufValues[i]!;
          s.returns[r] = this.returns[i]!;
        }
        const advantages = s.advantages.subarray(0, rows);
        if (hp.normAdv) normalizeAdvantagesInPlace(advantages);
        s.actor.refresh(params.subarray(0, actorSize));
        s.critic.refresh(params.subarray(actorSize, actorSize + s.critic.size));
        s.actor.forward(s.obs, rows, s.head);
        s.critic.forward(s.obs, rows, s.values);
        const terms = categoricalPpoLossAndGradient(
          {
            rows,
            nvec: policy.layout.nvec,
            logits: s.head.subarray(0, rows * headDim),
            actions: s.actions,
            oldLogProb: s.oldLogProb,
            perDimension: width > 1,
            advantages,
            values: s.values,
            oldValues: s.oldValues,
            returns: s.returns,
          },
          coefficients,
          s.dHead,
          s.dValues,
          s.lossScratch,
        );
        s.actor.backward(s.dHead.subarray(0, rows * headDim), s.gradient.subarray(0, actorSize));
        s.critic.backward(s.dValues.subarray(0, rows), s.gradient.subarray(actorSize));
        try {
          this.optimizer.applyFlatGradient(s.gradient);
        } catch (error) {
          throw this.diverged(error, epoch, start / minibatchSize, [terms.policyLoss, terms.valueLoss, terms.entropy]);
        }
        policy.markUpdated();
        last = [terms.policyLoss, terms.valueLoss, terms.entropy, terms.approxKl, terms.clipFraction];
        clipFractionSum += terms.clipFraction;
        minibatches++;
      }
      if (hp.targetKl !== null && last[3]! > hp.targetKl) stopped = true;
    }
    last[4] = clipFractionSum / minibatches;
    return [...last, epoch];
  }

  /** The minibatch epochs through tf.variableGrads (any action space). Returns what {@link epochsInJs} returns. */
  private epochsOnBackend(valid: Int32Array, clipCoef: number): number[] {
    const hp = this.hp;
    const policy = this.policy;
    const validCount = valid.length;
    const dim = policy.encoder.dim;
    const D = policy.layout.discreteDims;
    const C = policy.layout.continuousDims;
    const n = this.T * this.E;
    const data = tf.tidy(() => {
      const idx = tf.tensor1d(valid, 'int32');
      return {
        obs: tf.gather(tf.tensor2d(this.bufObs, [n, dim]), idx),
        discrete: D > 0 ? tf.gather(tf.tensor2d(this.bufDiscrete, [n, D], 'int32'), idx) : undefined,
        continuous: C > 0 ? tf.gather(tf.tensor2d(this.bufContinuous, [n, C]), idx) : undefined,
        logProb: tf.gather(this.logProbWidth === 1 ? tf.tensor1d(this.bufLogProb) : tf.tensor2d(this.bufLogProb, [n, this.logProbWidth]), idx),
        advantages: tf.gather(tf.tensor1d(this.advantages), idx),
        returns: tf.gather(tf.tensor1d(this.returns), idx),
        values: tf.gather(tf.tensor1d(this.bufValues), idx),
      };
    });

    const order = Int32Array.from({ length: validCount }, (_, i) => i);
    const minibatchSize = Math.max(1, Math.ceil(validCount / hp.numMinibatches));
    // One minibatch holding the whole rollout: the loss is a mean, so row order does not matter
    // and neither gathering nor re-normalising the advantages is needed per epoch.
    const fullBatch = minibatchSize >= validCount;
    const fullBatchAdvantages = fullBatch && hp.normAdv ? tf.tidy(() => normalizeAdvantages(data.advantages)) : undefined;
    const variables = policy.variables;
    const coefficients = { clipCoef, clipVloss: hp.clipVloss, valueClipCoef: hp.clipCoef, entCoef: hp.entCoef, vfCoef: hp.vfCoef };
    let stats: tf.Tensor1D | undefined;
    /** The sum of every minibatch's clip fraction (on the backend: no sync per minibatch). */
    let clipFractionSum: tf.Tensor1D | undefined;
    let minibatches = 0;
    let stopped = false;
    let epoch = 0; // after the loop: the epochs run (none on a rollout of autoreset steps only)
    for (; epoch < hp.updateEpochs && !stopped && validCount > 0; epoch++) {
      if (!fullBatch) shuffleInPlace(order, this.rng);
      for (let start = 0; start < validCount; start += minibatchSize) {
        const mb = order.subarray(start, Math.min(start + minibatchSize, validCount));
        stats?.dispose();
        let kept: tf.Tensor1D | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const mbIdx = fullBatch ? undefined : tf.tensor1d(mb, 'int32');
          const pick = <R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> => (mbIdx === undefined ? x : tf.gather(x, mbIdx));
          const x = pick(data.obs) as tf.Tensor2D;
          const head = policy.actor.apply(x);
          const newValues = tf.reshape(policy.critic.apply(x), [-1]) as tf.Tensor1D;
          const logStd = policy.logStd as tf.Tensor1D | undefined;
          const discrete = data.discrete ? (pick(data.discrete) as tf.Tensor2D) : undefined;
          const continuous = data.continuous ? (pick(data.continuous) as tf.Tensor2D) : undefined;
          const { logProb, entropy } = this.logProbWidth === 1 ? policy.dist.logProbAndEntropy(head, logStd, discrete, continuous) : policy.dist.logProbPerDimensionAndEntropy(head, logStd, discrete, continuous);
          const rawAdv = pick(data.advantages) as tf.Tensor1D;
          const terms = ppoLoss(
            {
              newLogProb: logProb,
              oldLogProb: pick(data.logProb) as tf.Tensor1D | tf.Tensor2D,
              advantages: fullBatchAdvantages ?? (hp.normAdv ? normalizeAdvantages(rawAdv) : rawAdv),
              newValues,
              oldValues: pick(data.values) as tf.Tensor1D,
              returns: pick(data.returns) as tf.Tensor1D,
              entropy,
            },
            coefficients,
          );
          kept = tf.keep(tf.stack([terms.policyLoss, terms.valueLoss, terms.entropy, terms.approxKl, terms.clipFraction]) as tf.Tensor1D);
          return terms.loss;
        }, variables);
        try {
          this.optimizer.applyGradients(grads);
        } catch (error) {
          const terms = kept === undefined ? [NaN, NaN, NaN] : Array.from(kept.dataSync()).slice(0, 3);
          for (const t of [value, kept, clipFractionSum, fullBatchAdvantages, ...Object.values(grads), ...Object.values(data)]) t?.dispose();
          throw this.diverged(error, epoch, start / minibatchSize, terms);
        }
        policy.markUpdated();
        value.dispose();
        for (const g of Object.values(grads)) g.dispose();
        stats = kept;
        if (kept !== undefined) {
          const previous = clipFractionSum;
          clipFractionSum = tf.tidy(() => {
            const clipFraction = tf.slice(kept!, [4], [1]);
            return previous === undefined ? clipFraction : (tf.add(previous, clipFraction) as tf.Tensor1D);
          });
          previous?.dispose();
          minibatches++;
        }
      }
      if (hp.targetKl !== null && stats !== undefined && stats.dataSync()[3]! > hp.targetKl) stopped = true;
    }
    fullBatchAdvantages?.dispose();
    const values = stats ? Array.from(stats.dataSync()) : [NaN, NaN, NaN, NaN, NaN];
    if (clipFractionSum !== undefined) values[4] = clipFractionSum.dataSync()[0]! / minibatches;
    values.push(epoch);
    stats?.dispose();
    clipFractionSum?.dispose();
    for (const t of Object.values(data)) t?.dispose();
    return values;
  }

  /**
   * A NonFiniteGradientError from the optimiser as a TrainingDivergedError naming this update
   * (iteration, env step, epoch and minibatch, 0-based inside the update) and its loss terms
   * ([policy, value, entropy]); any other error unchanged.
   */
  private diverged(error: unknown, epoch: number, minibatch: number, terms: readonly number[]): unknown {
    if (!(error instanceof NonFiniteGradientError)) return error;
    const where = `PPO iteration ${this.counters.iteration} (env step ${this.counters.globalStep}), epoch ${epoch + 1}, minibatch ${minibatch + 1}`;
    const losses = { 'losses/policy_loss': terms[0]!, 'losses/value_loss': terms[1]!, 'losses/entropy': terms[2]! };
    return new TrainingDivergedError(where, losses, this.hp.learningRate, error);
  }

  /**
   * Train until `totalSteps` env steps (at most `hp.totalTimesteps`), yielding to the event loop
   * between iterations; stops after the iteration during which `signal` aborts (the trainer stays
   * consistent: save it and resume later). Refused (a GymError) after a `train()` that failed, which
   * ended `metrics$`, and after `close()` or `dispose()`.
   */
  async train(totalSteps: number, onIteration?: (trainer: PpoTrainer) => void, signal?: AbortSignal): Promise<void> {
    this.lifecycle.checkTrainable(totalSteps, onIteration, 'onIteration', signal);
    // the schedules anneal over hp.totalTimesteps: past it the learning rate stayed 0
    if (!(totalSteps <= this.hp.totalTimesteps)) {
      throw new InvalidArgumentError(`PpoTrainer.train: totalSteps ${totalSteps} is past hp.totalTimesteps ${this.hp.totalTimesteps}, over which the learning rate and clip range anneal; give a trainer hp.totalTimesteps >= ${totalSteps}`);
    }
    await this.lifecycle.training(this.metricsSubject, async () => {
      while (signal?.aborted !== true && (this.counters.globalStep + this.batchSize <= totalSteps || this.counters.globalStep === 0)) {
        this.iterate();
        onIteration?.(this);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    });
  }

  /**
   * A metric record to `metrics$`. Its subscribers run mid-iteration: one that closed (or disposed)
   * the trainer ends the iteration here, before it steps the closed envs or trains freed networks.
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
      this.jsUpdate?.actor.dispose();
      this.jsUpdate?.critic.dispose();
      releaseNetwork(this.policy);
      this.policy.dispose();
    }
  }
}

/** Training passes and minibatch buffers of {@link PpoTrainer.epochsInJs}, sized for a whole rollout. */
interface JsUpdateScratch {
  readonly actor: MlpBackprop;
  readonly critic: MlpBackprop;
  readonly obs: Float32Array;
  readonly actions: Int32Array;
  readonly oldLogProb: Float32Array;
  readonly advantages: Float32Array;
  readonly oldValues: Float32Array;
  readonly returns: Float32Array;
  readonly head: Float32Array;
  readonly values: Float32Array;
  readonly dHead: Float32Array;
  readonly dValues: Float32Array;
  readonly lossScratch: Float64Array;
  /** Flat gradient in the optimiser's variable order (actor, then critic). */
  readonly gradient: Float32Array;
}

/** `logProbWidth`: old log-probabilities per row (1, or D with per-dimension ratios). */
function createJsUpdateScratch(policy: PpoPolicy, rows: number, logProbWidth: number, parameters: number): JsUpdateScratch {
  const headDim = policy.dist.headDim;
  const actor = new MlpBackprop(policy.actor, rows);
  const critic = new MlpBackprop(policy.critic, rows);
  if (actor.size + critic.size !== parameters) throw new Error(`PPO: actor (${actor.size}) and critic (${critic.size}) parameters do not add up to the optimiser's ${parameters}`);
  return {
    actor,
    critic,
    obs: new Float32Array(rows * policy.encoder.dim),
    actions: new Int32Array(rows * policy.layout.discreteDims),
    oldLogProb: new Float32Array(rows * logProbWidth),
    advantages: new Float32Array(rows),
    oldValues: new Float32Array(rows),
    returns: new Float32Array(rows),
    head: new Float32Array(rows * headDim),
    values: new Float32Array(rows),
    dHead: new Float32Array(rows * headDim),
    dValues: new Float32Array(rows),
    lossScratch: ppoLossGradientScratch(policy.layout.nvec),
    gradient: new Float32Array(parameters),
  };
}

/** 1 - Var(returns - values) / Var(returns) over the valid rows (CleanRL's diagnostic). */
function explainedVariance(values: Float32Array, returns: Float32Array, rows: Int32Array): number {
  const n = rows.length;
  if (n < 2) return NaN;
  let meanR = 0;
  let meanD = 0;
  for (const i of rows) {
    meanR += returns[i]!;
    meanD += returns[i]! - values[i]!;
  }
  meanR /= n;
  meanD /= n;
  let varR = 0;
  let varD = 0;
  for (const i of rows) {
    varR += (returns[i]! - meanR) ** 2;
    varD += (returns[i]! - values[i]! - meanD) ** 2;
  }
  return varR === 0 ? NaN : 1 - varD / varR;
}
