/**
 * Wrapper base classes (gymnasium.Wrapper, ObservationWrapper, ActionWrapper, RewardWrapper).
 * A wrapper is an Env that forwards to `this.env`; subclasses override what they change.
 *
 * Type parameters follow Gymnasium: `WObs`/`WAct` are what the wrapper exposes, `Obs`/`Act`
 * what the inner env speaks (default: the same).
 */
import { Env, hasEnvShape, type EnvSpec, type RenderMode, type ResetArgs, type ResetResult, type StepResult } from './env.ts';
import { AttributeRefusedError, GymError } from './errors.ts';
import { formatValue } from './format.ts';
import type { Rng } from './rng.ts';
import type { Space } from '../spaces/space.ts';

/**
 * Base of the wrappers (gymnasium.Wrapper): an env that forwards every call to the env it wraps,
 * `env`; subclasses override what they change. `WObs`/`WAct` are what the wrapper exposes,
 * `Obs`/`Act` what the inner env speaks.
 */
export class Wrapper<WObs, WAct, Obs = WObs, Act = WAct> extends Env<WObs, WAct> {
  readonly env: Env<Obs, Act>;
  observationSpace: Space<WObs>;
  actionSpace: Space<WAct>;

  constructor(env: Env<Obs, Act>) {
    super();
    // a non-env failed later, far from here ("this.env.reset is not a function")
    if (!hasEnvShape(env)) {
      throw new GymError(`${new.target.name}: env must be an Env (reset, step and both spaces; make(id) gives one), got ${formatValue(env)}`);
    }
    this.env = env;
    // Same spaces unless a subclass replaces them.
    this.observationSpace = env.observationSpace as unknown as Space<WObs>;
    this.actionSpace = env.actionSpace as unknown as Space<WAct>;
    this.metadata = env.metadata;
  }

  /**
   * The inner env's render mode, read at each call (Gymnasium's `Wrapper.render_mode`): the env
   * below renders, so a wrapper's own copy could only disagree with it. Read-only, as Gymnasium's,
   * so `setWrapperAttr('renderMode', …)` on a wrapper is refused; set it on `env.unwrapped`.
   */
  override get renderMode(): RenderMode | undefined {
    return this.env.renderMode;
  }

  // Gymnasium's Wrapper.np_random: the generator (and seed) are the inner env's, not a wrapper's own
  protected override get npRandom(): Rng {
    return (this.env as unknown as { npRandom: Rng }).npRandom;
  }

  protected override set npRandom(rng: Rng) {
    (this.env as unknown as { npRandom: Rng }).npRandom = rng;
  }

  protected override setNpRandom(rng: Rng, seed: number): void {
    (this.env as unknown as { setNpRandom(rng: Rng, seed: number): void }).setNpRandom(rng, seed);
  }

  override get npRandomSeed(): number {
    return this.env.npRandomSeed;
  }

  protected override get seedValue(): number | undefined {
    return (this.env as unknown as { seedValue: number | undefined }).seedValue;
  }

  protected override set seedValue(seed: number | undefined) {
    (this.env as unknown as { seedValue: number | undefined }).seedValue = seed;
  }

  /** The inner env's spec (read at each call, so a spec `make` sets later shows through). */
  override get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  override set spec(_spec: EnvSpec | undefined) {
    throw new GymError(`${this.constructor.name}: a wrapper's spec is its inner env's; set env.unwrapped.spec instead`);
  }

  reset(args?: ResetArgs): ResetResult<WObs> {
    return this.env.reset(args) as unknown as ResetResult<WObs>;
  }

  step(action: WAct): StepResult<WObs> {
    return this.env.step(action as unknown as Act) as unknown as StepResult<WObs>;
  }

  override render(): string | Uint8Array | undefined {
    return this.env.render();
  }

  override close(): void {
    this.env.close();
  }

  override hasWrapperAttr(name: string): boolean {
    return name in this || this.env.hasWrapperAttr(name);
  }

  override getWrapperAttr(name: string): unknown {
    if (name in this) return (this as unknown as Record<string, unknown>)[name];
    if (!this.env.hasWrapperAttr(name)) throw new AttributeRefusedError(`${this.toString()} has no attribute "${name}" (nor has any env it wraps)`);
    return this.env.getWrapperAttr(name);
  }

  /** This wrapper when it has `name`, else the target of the env below that has it, else this wrapper when `force` (see `Env.setWrapperAttr`). */
  override wrapperAttrTarget(name: string, options: { force?: boolean } = {}): Env {
    if (!(name in this)) {
      if (this.env.hasWrapperAttr(name)) return this.env.wrapperAttrTarget(name, options);
      if (!(options.force ?? true)) throw new AttributeRefusedError(`${this.toString()} has no attribute "${name}" to set (nor has any env it wraps; force: false)`);
    }
    return super.wrapperAttrTarget(name);
  }

  /**
   * The innermost env, typed as Gymnasium's `Wrapper.unwrapped`: by the env this wrapper wraps
   * (`Obs`/`Act`), not by this wrapper's own types (a FlattenObservation's innermost env still
   * observes a Dict). As there, a wrapper further in that changes the types makes this a claim.
   */
  override get unwrapped(): Env<Obs, Act> {
    return this.env.unwrapped as Env<Obs, Act>;
  }

  /**
   * The wrapper and the env it wraps, e.g. `make('CartPole-v1')`'s
   * `<TimeLimit<OrderEnforcing<PassiveEnvChecker<CartPoleEnv<CartPole-v1>>>>>`.
   */
  override toString(): string {
    return `<${this.constructor.name}${this.env.toString()}>`;
  }
}

/** Transforms observations of `reset` and `step` through `observation()`. */
export abstract class ObservationWrapper<WObs, Act, Obs> extends Wrapper<WObs, Act, Obs, Act> {
  /** The observation to return for the inner env's observation `obs`. */
  abstract observation(obs: Obs): WObs;

  override reset(args?: ResetArgs): ResetResult<WObs> {
    const result = this.env.reset(args) as unknown as ResetResult<WObs>;
    result[0] = this.observation(result[0] as unknown as Obs);
    return result;
  }

  override step(action: Act): StepResult<WObs> {
    const result = this.env.step(action) as unknown as StepResult<WObs>;
    result[0] = this.observation(result[0] as unknown as Obs);
    return result;
  }
}

/** Transforms actions through `action()` before the inner env sees them. */
export abstract class ActionWrapper<Obs, WAct, Act> extends Wrapper<Obs, WAct, Obs, Act> {
  /** The inner env's action for this wrapper's action `action`. */
  abstract action(action: WAct): Act;

  override step(action: WAct): StepResult<Obs> {
    return this.env.step(this.action(action));
  }
}

/** Transforms rewards of `step` through `reward()`. */
export abstract class RewardWrapper<Obs, Act> extends Wrapper<Obs, Act> {
  /** The reward to return for the inner env's reward `reward`. */
  abstract reward(reward: number): number;

  override step(action: Act): StepResult<Obs> {
    const result = this.env.step(action);
    result[1] = this.reward(result[1]);
    return result;
  }
}
