/**
 * gymnasium.wrappers.NormalizeReward: rewards are divided by the running standard deviation of
 * the discounted return, `reward / sqrt(var(G) + eps)` with `G <- gamma * G * (1 - terminated) + reward`
 * (Gymnasium 1.x: the mean is not subtracted, see openai/baselines#538).
 */
import type { Env } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { RewardWrapper } from '../core/wrapper.ts';
import type { StepResult } from '../core/env.ts';
import { RunningMeanStd, warnLeftOut } from './running-mean-std.ts';
import { checkEpsilon } from './wrapper-arguments.ts';

/**
 * Rewards divided by the running standard deviation of the discounted return, mean not subtracted
 * (gymnasium.wrappers.NormalizeReward, Gymnasium 1.x); set `updateRunningMean = false` to freeze
 * the statistics.
 */
export class NormalizeReward<Obs, Act> extends RewardWrapper<Obs, Act> {
  readonly gamma: number;
  readonly epsilon: number;
  readonly returnRms = new RunningMeanStd(1);
  /** Whether rewards update the statistics. */
  updateRunningMean = true;
  /** A reward that was NaN or infinite was left out of the return and the statistics (warned once). */
  warnedNonFinite = false;
  private discountedReward = 0;
  private readonly scratch = new Float64Array(1);

  /** @param gamma discount of the tracked return; @param epsilon added to the variance */
  constructor(
    env: Env<Obs, Act>,
    gamma = 0.99,
    epsilon = 1e-8,
  ) {
    super(env);
    this.gamma = gamma;
    this.epsilon = epsilon;
    if (!(gamma >= 0 && gamma <= 1)) throw new GymError(`NormalizeReward: gamma = ${gamma} must be in [0, 1]`);
    checkEpsilon('NormalizeReward', epsilon);
  }

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    // a reward that is not finite would stay in the discounted return until the episode ends, and
    // in the statistics for good: the return goes on without it, the statistics are not updated
    if (!Number.isFinite(result[1])) {
      warnLeftOut(this, 'NormalizeReward', 'a reward');
      this.discountedReward = this.discountedReward * this.gamma * (result[2] ? 0 : 1);
      result[1] = this.reward(result[1]);
      return result;
    }
    this.discountedReward = this.discountedReward * this.gamma * (result[2] ? 0 : 1) + result[1];
    if (this.updateRunningMean) {
      this.scratch[0] = this.discountedReward;
      this.returnRms.updateOne(this.scratch);
    }
    result[1] = this.reward(result[1]);
    return result;
  }

  reward(reward: number): number {
    return reward / Math.sqrt((this.returnRms.var[0] as number) + this.epsilon);
  }
}
