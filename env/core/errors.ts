/**
 * The toolkit's error types (gymnasium.error): each names what went wrong and where, so callers
 * can catch by class and users read one clear line.
 */
import type { Space } from '../spaces/space.ts';
import { formatValue } from './format.ts';

/** Base class of every error the toolkit throws on purpose. */
export class GymError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An action outside the env's action space (wrong type or shape, NaN, out of bounds). */
export class InvalidActionError extends GymError {}

/** `step` (or `render`) called before the first `reset`. */
export class ResetNeededError extends GymError {}

/** `make`/`spec` of an id that is not registered. */
export class UnregisteredEnvError extends GymError {}

/**
 * An attribute an env, a wrapper or a vector env does not have, or does not give or set
 * (`getWrapperAttr`, `setWrapperAttr`, a vector env's `getAttr`, `setAttr`, `call`); Gymnasium
 * raises Python's AttributeError there.
 */
export class AttributeRefusedError extends GymError {}

/**
 * An argument refused that is neither keyword arguments (`KwargsError`) nor an action: a seed,
 * reset options, a reset mask, `makeVec`'s options (Gymnasium raises `error.Error` or a
 * ValueError there).
 */
export class InvalidArgumentError extends GymError {}

/** A space constructed with inconsistent arguments, or a bad sample mask. */
export class SpaceError extends GymError {}

/**
 * The error for `action` not in `space`, raised by `owner` (an env or wrapper name): the first
 * offending key/index and why (`why`, default the space's explanation), then the value and the space.
 */
export function invalidAction(owner: string, space: Space<unknown>, action: unknown, why = space.explain(action) ?? 'not contained'): InvalidActionError {
  // what is wrong first: the action and the space can run to hundreds of characters
  return new InvalidActionError(`${owner}.step: invalid action: ${why} (action ${formatValue(action)}; action space ${space.toString()})`);
}

/** Throws `invalidAction` unless `space` contains `action`; the cheap check every env runs per step. */
export function assertAction<A>(owner: string, space: Space<A>, action: unknown): asserts action is A {
  if (!space.contains(action)) throw invalidAction(owner, space, action);
}

/** A broken env contract found by `checkEnv` or `PassiveEnvChecker`; `check` names the check. */
export class EnvCheckError extends GymError {
  readonly check: string;

  constructor(
    check: string,
    message: string,
  ) {
    super(`[${check}] ${message}`);
    this.check = check;
  }
}

/**
 * The `default` of a switch over every kind of a union: there `value` has type `never`, so a kind
 * added to the union without a case is a type error under tsc; at run time (tsx does not
 * typecheck) it throws naming the kind, where an if-chain would have run another kind's code.
 * `value` is the kind or the object it discriminates; `what` says where and which union
 * (`ArrivalSampler.sample: arrivals kind`).
 */
export function assertNever(value: never, what: string): never {
  const given: unknown = value;
  const kind = typeof given === 'object' && given !== null && 'kind' in given ? given.kind : given;
  throw new GymError(`${what} ${formatValue(kind)} has no case here (a kind added to its union needs one in every switch over it)`);
}
