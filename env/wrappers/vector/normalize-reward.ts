/**
 * gymnasium.wrappers.vector.NormalizeReward: each env's rewards are divided by the running
 * standard deviation of its discounted return, `r / sqrt(var(G) + eps)` with
 * `G_i <- gamma * G_i * (1 - terminated_i) + r_i`, the statistics pooled over the envs (freeze
 * them with `updateRunningMean = false`). The returns are tracked in float64 (Gymnasium: float32).
 */
import { GymError } from '../../core/errors.ts';
import type { VectorEnv, VectorStepResult } from '../../vector/vector-env.ts';
import { VectorWrapper } from '../../vector/vector-wrapper.ts';
import { RunningMeanStd } from '../running-mean-std.ts';
import { checkEpsilon } from '../wrapper-arguments.ts';

export class VectorNormalizeReward<BObs, BAct> extends VectorWrapper<BObs, BAct> {
  readonly returnRms = new RunningMeanStd(1);
  /** Whether rewards update the statistics. */
  updateRunningMean = true;
  private readonly discountedReturns: Float64Array;

  /** @param gamma discount of the tracked returns; @param epsilon added to the variance */
  constructor(
    env: VectorEnv<BObs, BAct>,
    readonly gamma = 0.99,
    readonly epsilon = 1e-8,
  ) {
    super(env);
    if (!(gamma >= 0 && gamma <= 1)) throw new GymError(`VectorNormalizeReward: gamma = ${gamma} must be in [0, 1]`);
    checkEpsilon('VectorNormalizeReward', epsilon);
    this.discountedReturns = new Float64Array(env.numEnvs);
  }

  override step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    const result = this.env.step(actions);
    const [, rewards, terminated] = result;
    const returns = this.discountedReturns;
    for (let i = 0; i < this.numEnvs; i++) returns[i] = returns[i]! * this.gamma * (terminated[i] === 1 ? 0 : 1) + rewards[i]!;
    if (this.updateRunningMean) this.returnRms.update(returns, this.numEnvs);
    const scale = Math.sqrt(this.returnRms.var[0]! + this.epsilon);
    // a new array: the inner env's may be its own buffer (copy: false)
    const scaled = new Float64Array(this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) scaled[i] = rewards[i]! / scale;
    result[1] = scaled;
    return result;
  }
}
