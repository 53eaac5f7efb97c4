/**
 * Discretises the continuous parts of an action space so value-based agents (DQN) can act in it:
 * every element of a bounded Box becomes a MultiDiscrete element with `levels` values,
 * level k mapping to `low + k (high - low) / (levels - 1)` (both bounds reachable). Discrete and
 * MultiDiscrete parts pass through; Dict spaces are handled key by key (same keys, same order).
 *
 * @example
 * const env = new DiscretizeAction(make('BDT-v0'), 11); // inferenceShare in {0, 0.1, ..., 1}
 */
import type { Env } from '../core/env.ts';
import { GymError, invalidAction } from '../core/errors.ts';
import { ActionWrapper } from '../core/wrapper.ts';
import { Box, mixBounds } from '../spaces/box.ts';
import { Dict } from '../spaces/dict.ts';
import { Discrete } from '../spaces/discrete.ts';
import { MultiDiscrete } from '../spaces/multi-discrete.ts';
import type { Space } from '../spaces/space.ts';

/**
 * Turns each element of a bounded Box action part (also inside a Dict) into a MultiDiscrete element
 * of `levels` values, level k meaning `low + k (high - low) / (levels - 1)`, so value-based agents
 * (DQN) can act; discrete parts pass through. No Gymnasium equivalent.
 */
export class DiscretizeAction<Obs> extends ActionWrapper<Obs, unknown, unknown> {
  readonly levels: number;
  override actionSpace: Space<unknown>;
  private readonly inner: Space<unknown>;

  /** @param levels values per continuous element (>= 2) */
  constructor(
    env: Env<Obs, unknown>,
    levels: number,
  ) {
    super(env);
    this.levels = levels;
    if (!Number.isInteger(levels) || levels < 2) throw new GymError(`DiscretizeAction: levels must be an integer >= 2, got ${levels}`);
    this.inner = env.actionSpace;
    this.actionSpace = discretizeSpace(env.actionSpace, levels, '');
  }

  /** The inner env's action for a discretised action (a fresh object). */
  action(action: unknown): unknown {
    if (!this.actionSpace.contains(action)) throw invalidAction('DiscretizeAction', this.actionSpace, action);
    return this.toInner(this.inner, action);
  }

  private toInner(space: Space<unknown>, action: unknown): unknown {
    if (space instanceof Box) {
      const out = space.zeros();
      const levels = action as Int32Array;
      for (let i = 0; i < out.length; i++) {
        const low = space.low[i]!;
        const high = space.high[i]!;
        const level = levels[i]!;
        let value = low + (level * (high - low)) / (this.levels - 1);
        if (!Number.isFinite(value)) {
          // past the largest double (a float64 range that wide, or level times it): mix the bounds, as Box.sample does
          value = mixBounds(low, high, level / (this.levels - 1));
        }
        // clamped: rounding can put the top level one ulp above high, outside the inner space
        out[i] = Math.min(value, high);
      }
      return out;
    }
    if (space instanceof Dict) {
      const record = action as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of space.keys) out[k] = this.toInner(space.spaces[k]!, record[k]);
      return out;
    }
    return action;
  }
}

function discretizeSpace(space: Space<unknown>, levels: number, path: string): Space<unknown> {
  if (space instanceof Discrete || space instanceof MultiDiscrete) return space;
  if (space instanceof Box) {
    if (!space.isBounded()) throw new GymError(`DiscretizeAction: the Box at ${path || '(root)'} (${space.toString()}) must be bounded to be discretised`);
    return new MultiDiscrete(new Array<number>(space.size).fill(levels));
  }
  if (space instanceof Dict) {
    const spaces: Record<string, Space<unknown>> = {};
    for (const k of space.keys) spaces[k] = discretizeSpace(space.spaces[k]!, levels, `${path}.${k}`);
    return new Dict(spaces);
  }
  throw new GymError(`DiscretizeAction: unsupported action space at ${path || '(root)'}: ${space.toString()} (Box, Discrete, MultiDiscrete and Dict are supported)`);
}
