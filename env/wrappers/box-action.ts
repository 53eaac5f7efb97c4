/**
 * The action space as one `Box(0, 1, [n])`, n the number of elements of a Dict of Discrete,
 * MultiDiscrete and bounded Box parts (the B-DT envs' action space), for learners that emit one
 * real vector: a Gaussian policy, an MLP's sigmoid output. The flat vector holds the Dict's keys
 * in order, each part's elements in a row (B-DT: partition, inferenceShare, miningShare). An
 * element u of a discrete part with L values picks `start + min(floor(u L), L - 1)` (u = 0 the
 * first value, u = 1 the last); of a Box part, `low + u (high - low)` (the B-DT shares, Box(0, 1),
 * pass through as they are). Python's `bdt_gym.wrappers.BoxAction` is the same mapping.
 *
 * @example
 * const env = new BoxAction(make('BDT-v0')); // Box(0, 1, [N + M + J]) of float32
 */
import type { Env } from '../core/env.ts';
import { GymError, invalidAction } from '../core/errors.ts';
import { ActionWrapper } from '../core/wrapper.ts';
import { Box, lerpBounds, type BoxDtype, type BoxElement } from '../spaces/box.ts';
import { Dict } from '../spaces/dict.ts';
import { Discrete } from '../spaces/discrete.ts';
import { MultiDiscrete } from '../spaces/multi-discrete.ts';
import type { Space } from '../spaces/space.ts';

type Part = Discrete | MultiDiscrete | Box<BoxElement>;

/**
 * Exposes a Dict action of Discrete, MultiDiscrete and bounded Box parts (the B-DT action) as one
 * `Box(0, 1, [n])`, for policies that emit one real vector: element u of a discrete part with L
 * values picks `start + min(floor(u L), L - 1)`, of a Box part `low + u (high - low)`. No Gymnasium
 * equivalent; Python's `bdt_gym.wrappers.BoxAction` maps the same.
 */
export class BoxAction<Obs> extends ActionWrapper<Obs, BoxElement, Record<string, unknown>> {
  override actionSpace: Box<BoxElement>;
  private readonly keys: readonly string[];
  private readonly parts: readonly Part[];

  /** @param dtype the flat Box's dtype (default float32, what TF.js outputs) */
  constructor(env: Env<Obs, unknown>, dtype: BoxDtype = 'float32') {
    super(env as Env<Obs, Record<string, unknown>>);
    const space = env.actionSpace;
    if (!(space instanceof Dict)) throw new GymError(`BoxAction: the action space is ${space.toString()}; it must be a Dict of Discrete, MultiDiscrete and bounded Box spaces (as the B-DT envs')`);
    this.keys = space.keys;
    this.parts = space.keys.map((key) => checkedPart(space.spaces[key]!, key));
    const size = this.parts.reduce((sum, part) => sum + sizeOf(part), 0);
    this.actionSpace = new Box<BoxElement>(0, 1, { shape: [size], dtype });
  }

  /** The inner env's Dict action for a flat `action` in [0, 1]^n (fresh arrays). */
  action(action: BoxElement): Record<string, unknown> {
    if (!this.actionSpace.contains(action)) throw invalidAction('BoxAction', this.actionSpace, action);
    const out: Record<string, unknown> = {};
    let at = 0;
    this.keys.forEach((key, k) => {
      const part = this.parts[k]!;
      out[key] = partAction(part, action, at);
      at += sizeOf(part);
    });
    return out;
  }
}

/** `space` if a Dict key may hold it here, else a GymError naming `key`. */
function checkedPart(space: Space<unknown>, key: string): Part {
  if (space instanceof Discrete || space instanceof MultiDiscrete) return space;
  if (space instanceof Box && space.isBounded()) return space as Box<BoxElement>;
  throw new GymError(`BoxAction: the action space's key "${key}" is ${space.toString()}; only Discrete, MultiDiscrete and bounded Box keys map to one flat Box`);
}

function sizeOf(part: Part): number {
  return part instanceof Discrete ? 1 : part instanceof MultiDiscrete ? part.nvec.length : part.size;
}

/** Value `start + min(floor(u L), L - 1)` of L values. */
function level(u: number, count: number, start: number): number {
  return start + Math.min(Math.floor(u * count), count - 1);
}

/** The part's action from the flat elements at [at, at + size). */
function partAction(part: Part, flat: BoxElement, at: number): unknown {
  if (part instanceof Discrete) return level(flat[at]!, part.n, part.start);
  if (part instanceof MultiDiscrete) return Int32Array.from(part.nvec, (count, i) => level(flat[at + i]!, count, part.start[i]!));
  const out = part.zeros();
  for (let i = 0; i < out.length; i++) {
    const low = part.low[i]!;
    const high = part.high[i]!;
    // clipped after rounding to the part's dtype: low + u (high - low) can overstep high by an ulp
    out[i] = lerpBounds(low, high, flat[at + i]!);
    out[i] = Math.min(Math.max(out[i]!, low), high);
  }
  return out;
}
