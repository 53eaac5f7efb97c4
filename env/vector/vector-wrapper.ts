/**
 * Vector wrapper base classes (gymnasium.vector.VectorWrapper, VectorObservationWrapper,
 * VectorRewardWrapper). A vector wrapper is a vector env that forwards to `this.env`; subclasses
 * override what they change. They wrap any `VectorEnv`, so they also serve the native vector
 * forms that `makeVec` builds for ids with a `vectorEntryPoint` (where per-env wrappers cannot
 * go). The ready-made ones are in `env/wrappers/vector/`.
 *
 * Type parameters follow `Wrapper`: `BObs`/`BAct` are the batches the wrapper exposes,
 * `InnerObs`/`InnerAct` those of the wrapped env (default: the same).
 */
import type { EnvSpec } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import type { Space } from '../spaces/space.ts';
import type { AutoresetMode, VectorEnv, VectorResetArgs, VectorResetResult, VectorStepResult } from './vector-env.ts';

/**
 * Base of the vector wrappers (gymnasium.vector.VectorWrapper): passes every call to the wrapped
 * vector env `env`; subclass it and override `reset`/`step`, or use `VectorObservationWrapper` or
 * `VectorRewardWrapper`.
 */
export class VectorWrapper<BObs, BAct, InnerObs = BObs, InnerAct = BAct> implements VectorEnv<BObs, BAct> {
  readonly env: VectorEnv<InnerObs, InnerAct>;
  readonly numEnvs: number;
  readonly autoresetMode: AutoresetMode;
  singleObservationSpace: Space<unknown>;
  singleActionSpace: Space<unknown>;
  observationSpace: Space<BObs>;
  actionSpace: Space<BAct>;

  constructor(env: VectorEnv<InnerObs, InnerAct>) {
    const candidate = env as Partial<VectorEnv<InnerObs, InnerAct>> | null | undefined;
    if (typeof candidate?.reset !== 'function' || typeof candidate.step !== 'function' || typeof candidate.numEnvs !== 'number') {
      // a single env (the likely mistake) by its name, as <TimeLimit<...>>
      const shown = typeof candidate?.step === 'function' ? String(env) : formatValue(env);
      throw new GymError(`${new.target.name}: env must be a vector env (reset, step, numEnvs; makeVec(id, n) gives one), got ${shown}`);
    }
    this.env = env;
    this.numEnvs = env.numEnvs;
    this.autoresetMode = env.autoresetMode;
    // Same spaces unless a subclass replaces them.
    this.singleObservationSpace = env.singleObservationSpace;
    this.singleActionSpace = env.singleActionSpace;
    this.observationSpace = env.observationSpace as unknown as Space<BObs>;
    this.actionSpace = env.actionSpace as unknown as Space<BAct>;
  }

  /** The wrapped vector env's `reset`. */
  reset(args?: VectorResetArgs): VectorResetResult<BObs> {
    return this.env.reset(args) as unknown as VectorResetResult<BObs>;
  }

  /** The wrapped vector env's `step`. */
  step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    return this.env.step(actions as unknown as InnerAct) as unknown as VectorStepResult<BObs>;
  }

  close(): void {
    this.env.close();
  }

  /** The wrapped vector env's `getAttr`: the attribute of each env, not of this wrapper (Gymnasium's VectorWrapper has none; there one asks `unwrapped`). */
  getAttr(name: string): unknown[] {
    if (this.env.getAttr === undefined) throw this.missing('getAttr');
    return this.env.getAttr(name);
  }

  /** The wrapped vector env's `setAttr`: sets the attribute of each env, not of this wrapper. */
  setAttr(name: string, values: unknown): void {
    if (this.env.setAttr === undefined) throw this.missing('setAttr');
    this.env.setAttr(name, values);
  }

  /** The wrapped vector env's `call`: calls the method of each env, not of this wrapper. */
  call(name: string, ...args: unknown[]): unknown[] {
    if (this.env.call === undefined) throw this.missing('call');
    return this.env.call(name, ...args);
  }

  /** The wrapped vector env's spec (read at each call, so one `makeVec` sets later shows through). */
  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  /** The innermost vector env (the one that is not a wrapper). */
  get unwrapped(): VectorEnv<unknown, unknown> {
    return this.env.unwrapped;
  }

  /** The wrapper and what it wraps, e.g. `<VectorNormalizeRewardSyncVectorEnv(CartPole-v1, numEnvs=8)>`. */
  toString(): string {
    return `<${this.constructor.name}${String(this.env)}>`;
  }

  private missing(method: string): GymError {
    return new GymError(`${this.constructor.name}.${method}: the wrapped vector env ${String(this.env)} has no ${method}`);
  }
}

/**
 * Transforms the observation batches of `reset` and `step` through `observations()`. As
 * Gymnasium's, it refuses the `same-step` autoreset mode, whose `final_obs` in the infos would
 * stay untransformed next to transformed observations.
 */
export abstract class VectorObservationWrapper<BObs, BAct, InnerObs> extends VectorWrapper<BObs, BAct, InnerObs, BAct> {
  /** The observation batch to return for the wrapped env's batch `batch`. */
  abstract observations(batch: InnerObs): BObs;

  /** @param modes the autoreset modes the wrapper works in (a subclass may take fewer) */
  constructor(env: VectorEnv<InnerObs, BAct>, modes: readonly AutoresetMode[] = ['next-step', 'disabled']) {
    super(env);
    if (!modes.includes(env.autoresetMode)) {
      const why = env.autoresetMode === 'same-step' ? " (its infos' final_obs would stay untransformed)" : '';
      throw new GymError(`${this.constructor.name}: needs the ${modes.map((mode) => `'${mode}'`).join(' or ')} autoreset mode, got '${env.autoresetMode}'${why}`);
    }
  }

  /** The wrapped vector env's `reset`, its observations passed through `observations()`. */
  override reset(args?: VectorResetArgs): VectorResetResult<BObs> {
    const [batch, infos] = this.env.reset(args);
    return [this.observations(batch), infos];
  }

  /** The wrapped vector env's `step`, its observations passed through `observations()`. */
  override step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    const [batch, rewards, terminated, truncated, infos] = this.env.step(actions);
    return [this.observations(batch), rewards, terminated, truncated, infos];
  }
}

/** Transforms the rewards of `step` through `rewards()`. */
export abstract class VectorRewardWrapper<BObs, BAct> extends VectorWrapper<BObs, BAct> {
  /** The rewards to return for the wrapped env's rewards (one per env). */
  abstract rewards(rewards: Float64Array): Float64Array;

  /** The wrapped vector env's `step`, its rewards passed through `rewards()`. */
  override step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs> {
    const [batch, rewards, terminated, truncated, infos] = this.env.step(actions);
    return [batch, this.rewards(rewards), terminated, truncated, infos];
  }
}
