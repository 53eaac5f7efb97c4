/**
 * gymnasium.wrappers.ClipAction: accepts any finite-or-infinite action of the right shape and
 * clips it into the inner env's Box bounds. NaN, wrong dtype or wrong shape still fail, naming
 * the space and the value. The clipped action is written into one reused buffer, so the inner
 * env must not keep a reference to it past `step`.
 */
import type { Env } from '../core/env.ts';
import { GymError, invalidAction } from '../core/errors.ts';
import { ActionWrapper } from '../core/wrapper.ts';
import { Box, type BoxElement } from '../spaces/box.ts';

/**
 * Clips each action into the inner env's Box bounds (gymnasium.wrappers.ClipAction). Unlike
 * Gymnasium's, a NaN, a plain array, a wrong dtype or shape is refused; the clipped action is a
 * reused buffer, valid only during `step`.
 */
export class ClipAction<Obs> extends ActionWrapper<Obs, BoxElement, BoxElement> {
  override actionSpace: Box<BoxElement>;
  private readonly inner: Box<BoxElement>;
  private readonly buffer: BoxElement;

  constructor(env: Env<Obs, BoxElement>) {
    super(env);
    const space = env.actionSpace;
    if (!(space instanceof Box)) throw new GymError(`ClipAction: needs a Box action space, got ${String(space)}`);
    this.inner = space;
    this.actionSpace = new Box<BoxElement>(-Infinity, Infinity, { shape: space.shape, dtype: space.dtype });
    this.buffer = space.zeros();
  }

  action(action: BoxElement): BoxElement {
    if (!this.actionSpace.contains(action)) throw invalidAction('ClipAction', this.actionSpace, action);
    const { low, high } = this.inner;
    for (let i = 0; i < this.buffer.length; i++) this.buffer[i] = Math.min(Math.max(action[i] as number, low[i] as number), high[i] as number);
    return this.buffer;
  }
}
