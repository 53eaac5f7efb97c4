/**
 * gymnasium.wrappers.ClipReward: clips every reward into [minReward, maxReward]; either bound
 * may be omitted (unbounded on that side), not both.
 */
import type { Env } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { RewardWrapper } from '../core/wrapper.ts';

/**
 * Clips every reward into `[minReward, maxReward]` (gymnasium.wrappers.ClipReward); either bound
 * may be omitted, not both.
 */
export class ClipReward<Obs, Act> extends RewardWrapper<Obs, Act> {
  readonly minReward: number;
  readonly maxReward: number;

  constructor(env: Env<Obs, Act>, minReward?: number, maxReward?: number) {
    super(env);
    if (minReward === undefined && maxReward === undefined) throw new GymError('ClipReward: give minReward, maxReward or both');
    this.minReward = minReward ?? -Infinity;
    this.maxReward = maxReward ?? Infinity;
    if (Number.isNaN(this.minReward) || Number.isNaN(this.maxReward) || !(this.minReward <= this.maxReward)) {
      throw new GymError(`ClipReward: minReward = ${this.minReward} must be <= maxReward = ${this.maxReward} (numbers)`);
    }
  }

  reward(reward: number): number {
    return Math.min(Math.max(reward, this.minReward), this.maxReward);
  }
}
