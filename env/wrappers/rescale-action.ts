/**
 * gymnasium.wrappers.RescaleAction: exposes the action space `Box(minAction, maxAction)` and
 * maps it affinely onto the inner env's bounded Box, `low + (high - low) * (a - min) / (max - min)`,
 * clipped to `[low, high]` against rounding. Out-of-space actions fail naming the space and value.
 * The mapped action is written into one reused buffer (the inner env must not keep it).
 */
import type { Env } from '../core/env.ts';
import { GymError, InvalidArgumentError, invalidAction } from '../core/errors.ts';
import { ActionWrapper } from '../core/wrapper.ts';
import { Box, mixBounds, type BoxElement } from '../spaces/box.ts';

/**
 * Exposes the action space `Box(minAction, maxAction)` and maps it affinely onto the inner env's
 * bounded Box (gymnasium.wrappers.RescaleAction). Unlike Gymnasium's, it refuses an action outside
 * `[minAction, maxAction]` (put `ClipAction` outside it); the mapped action is a reused buffer.
 */
export class RescaleAction<Obs> extends ActionWrapper<Obs, BoxElement, BoxElement> {
  override actionSpace: Box<BoxElement>;
  private readonly inner: Box<BoxElement>;
  private readonly buffer: BoxElement;

  /** @param minAction scalar or per-element lower bound of the new space; likewise `maxAction` */
  constructor(env: Env<Obs, BoxElement>, minAction: number | ArrayLike<number>, maxAction: number | ArrayLike<number>) {
    super(env);
    const space = env.actionSpace;
    if (!(space instanceof Box)) throw new GymError(`RescaleAction: needs a Box action space, got ${String(space)}`);
    if (!space.isBounded()) throw new GymError(`RescaleAction: the action space ${space.toString()} must be bounded`);
    this.inner = space;
    this.actionSpace = new Box<BoxElement>(minAction, maxAction, { shape: space.shape, dtype: space.dtype });
    for (let i = 0; i < space.size; i++) {
      for (const [name, bound] of [['minAction', this.actionSpace.low[i]!], ['maxAction', this.actionSpace.high[i]!]] as const) {
        // an unbounded side maps every action to NaN (Infinity / Infinity), which the inner env would be blamed for
        if (!Number.isFinite(bound)) throw new InvalidArgumentError(`RescaleAction: ${name}[${i}] = ${bound} must be finite, to be mapped onto ${space.toString()}`);
      }
      if (!(this.actionSpace.low[i]! < this.actionSpace.high[i]!)) throw new GymError(`RescaleAction: minAction[${i}] = ${this.actionSpace.low[i]} must be < maxAction[${i}] = ${this.actionSpace.high[i]}`);
    }
    this.buffer = space.zeros();
  }

  action(action: BoxElement): BoxElement {
    if (!this.actionSpace.contains(action)) throw invalidAction('RescaleAction', this.actionSpace, action);
    const { low, high } = this.inner;
    const { low: min, high: max } = this.actionSpace;
    for (let i = 0; i < this.buffer.length; i++) {
      const lo = low[i] as number;
      const hi = high[i] as number;
      const a = action[i] as number;
      const from = min[i] as number;
      const to = max[i] as number;
      let v = lo + ((hi - lo) * (a - from)) / (to - from);
      if (!Number.isFinite(v) || !Number.isFinite(to - from)) {
        // past the largest double (a float64 range that wide, or the product of two widths): the
        // fraction of the way, from halves that cannot overflow, mixes the bounds as Box.sample does
        v = mixBounds(lo, hi, (a / 2 - from / 2) / (to / 2 - from / 2));
      }
      this.buffer[i] = Math.min(Math.max(v, lo), hi);
    }
    return this.buffer;
  }
}
