/**
 * gymnasium.wrappers.vector.NormalizeReward: each env's rewards are divided by the running
 * standard deviation of its discounted return (`ReturnNormalizer`), the statistics pooled over the
 * envs (freeze them with `updateRunningMean = false`). As Gymnasium, a reset starts the reset
 * envs' returns at 0, and in the `next-step` autoreset mode the step that resets an ended env is
 * no transition: its return and the statistics skip it. Unlike Gymnasium, which skips the step
 * after an end in every mode and zeroes every return on a partial reset, the first step of a new
 * episode counts in `same-step` mode (it is a real transition there), and a `reset_mask` reset
 * zeroes only the envs it resets. A truncation does not zero a return (Gymnasium's
 * `(1 - terminated)`), so an autoreset carries it into the next episode where a `disabled`-mode
 * reset would zero it: on envs that only truncate, the modes give different reward scales.
 */
import { GymError } from '../../core/errors.ts';
import { splitResetOptions } from '../../vector/reset-mask.ts';
import type { VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult } from '../../vector/vector-env.ts';
import { VectorWrapper } from '../../vector/vector-wrapper.ts';
import { ReturnNormalizer } from '../return-normalizer.ts';
import { warnLeftOut, type RunningMeanStd } from '../running-mean-std.ts';
import { checkEpsilon } from '../wrapper-arguments.ts';

/**
 * Divides each env's rewards by the running standard deviation of its discounted return, pooled
 * over the envs (gymnasium.wrappers.vector.NormalizeReward); the header of
 * env/wrappers/vector/normalize-reward.ts lists where the modes and Gymnasium differ.
 */
export class VectorNormalizeReward<BObs, BAct> extends VectorWrapper<BObs, BAct> {
  readonly gamma: number;
  readonly epsilon: number;
  private readonly normalizer: ReturnNormalizer;
  /** 1 where the env ended on the last step, so (next-step mode) this step only resets it. */
  private readonly resetting: Uint8Array;
  /** A reward that was NaN or infinite was left out of its env's return and the statistics (warned once). */
  warnedNonFinite = false;

  /** @param gamma discount of the tracked returns; @param epsilon added to the variance */
  constructor(
    env: VectorEnv<BObs, BAct>,
    gamma = 0.99,
    epsilon = 1e-8,
  ) {
    super(env);
    this.gamma = gamma;
    this.epsilon = epsilon;
    if (!(gamma >= 0 && gamma <= 1)) throw new GymError(`VectorNormalizeReward: gamma = ${gamma} must be in [0, 1]`);
    checkEpsilon('VectorNormalizeReward', epsilon);
    this.normalizer = new ReturnNormalizer(env.numEnvs, gamma, epsilon);
    this.resetting = new Uint8Array(env.numEnvs);
  }

  /** The pooled statistics of the discounted returns. */
  get returnRms(): RunningMeanStd {
    return this.normalizer.rms;
  }

  /** Whether rewards update the statistics. */
  get updateRunningMean(): boolean {
    return this.normalizer.updateRunningMean;
  }

  /** `false` freezes the statistics (for evaluation). */
  set updateRunningMean(update: boolean) {
    this.normalizer.updateRunningMean = update;
  }

  override reset(args: VectorResetArgs = {}): VectorResetResult<BObs> {
    const result = super.reset(args);
    const { mask } = splitResetOptions(args.options, this.numEnvs, 'VectorNormalizeReward');
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      this.normalizer.resetEnv(i);
      this.resetting[i] = 0;
    }
    return result;
  }

  override step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    const result = this.env.step(actions);
    const [, rewards, terminated, truncated] = result;
    // a new array: the inner env's may be its own buffer (copy: false)
    const scaled = new Float64Array(this.numEnvs);
    if (this.normalizer.scale(rewards, terminated, this.resetting, scaled) > 0) warnLeftOut(this, 'VectorNormalizeReward', "an env's reward");
    const nextStepMode = this.autoresetMode === 'next-step';
    for (let i = 0; i < this.numEnvs; i++) this.resetting[i] = nextStepMode && (terminated[i] === 1 || truncated[i] === 1) ? 1 : 0;
    result[1] = scaled;
    return result;
  }
}
