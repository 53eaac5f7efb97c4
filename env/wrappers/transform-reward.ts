/** gymnasium.wrappers.TransformReward: passes every reward of `step` through `func`. */
import type { Env } from '../core/env.ts';
import { RewardWrapper } from '../core/wrapper.ts';
import { checkFunction } from './wrapper-arguments.ts';

/** Passes every reward of `step` through `func` (gymnasium.wrappers.TransformReward). */
export class TransformReward<Obs, Act> extends RewardWrapper<Obs, Act> {
  private readonly func: (reward: number) => number;

  constructor(env: Env<Obs, Act>, func: (reward: number) => number) {
    super(env);
    checkFunction('TransformReward', 'func', func);
    this.func = func;
  }

  reward(reward: number): number {
    return this.func(reward);
  }
}
