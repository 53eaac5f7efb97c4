/**
 * gymnasium.vector.SyncVectorEnv: `numEnvs` envs stepped one after another in this thread, with
 * Gymnasium 1.1's autoreset modes (next-step by default, same-step, disabled: see
 * `AutoresetMode`) and partial resets through `reset({ options: { reset_mask } })`.
 *
 * @example
 * const envFns = Array.from({ length: 4 }, () => () => make('CartPole-v1'));
 * const envs = new SyncVectorEnv(envFns);
 * const [obs] = envs.reset({ seed: 42 });          // Float32Array(4 * 4), env-major
 * const [next, rewards, terminated, truncated, infos] = envs.step(Int32Array.of(0, 1, 1, 0));
 *
 * // same-step: an ended env is reset within the step; its last observation is in the infos.
 * const sameStep = new SyncVectorEnv(envFns, { autoresetMode: 'same-step' });
 * // for each env i that ended, (infos['_final_obs'] as Uint8Array)[i] === 1 and
 * // (infos['final_obs'] as (Float32Array | undefined)[])[i] is its last observation (neither
 * // entry is there on a step where no env ended)
 */
import { checkResetArgs, Env, type EnvSpec, type Info } from '../core/env.ts';
import { formatValue, unknownKeys } from '../core/format.ts';
import { GymError, InvalidArgumentError } from '../core/errors.ts';
import type { Space } from '../spaces/space.ts';
import { batchSpace, copyBatch, createBatch, readCheckedActions, writeBatchItem, type Batched, type BatchedActions } from './batch.ts';
import { callThroughWrappers } from './call-through-wrappers.ts';
import { addInfo } from './infos.ts';
import { assertNoEndedEnvs, splitResetOptions } from './reset-mask.ts';
import { checkAutoresetMode, checkCopyOption, vectorSeeds, type AutoresetMode, type VectorEnv, type VectorResetArgs, type VectorResetResult, type VectorStepResult } from './vector-env.ts';

/**
 * Options of `new SyncVectorEnv(envFns, options)` (Gymnasium's `copy` and `autoreset_mode`); an
 * unknown key is refused.
 */
export interface SyncVectorEnvOptions {
  /** Return a fresh observation batch each call (default) rather than the internal buffer. */
  copy?: boolean;
  /** How ended envs are reset (default `'next-step'`, Gymnasium's default). */
  autoresetMode?: AutoresetMode;
}

/**
 * Several envs stepped one after another in this thread (gymnasium.vector.SyncVectorEnv). Every env
 * must have the same spaces (`Space.equals`); Discrete observations and actions batch to
 * `Int32Array`, a Box's to one env-major typed array of `numEnvs * size`.
 */
export class SyncVectorEnv<Obs = unknown, Act = unknown> implements VectorEnv<Batched<Obs>, BatchedActions<Act>> {
  readonly envs: ReadonlyArray<Env<Obs, Act>>;
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<Obs>;
  readonly singleActionSpace: Space<Act>;
  readonly observationSpace: Space<Batched<Obs>>;
  readonly actionSpace: Space<BatchedActions<Act>>;
  readonly autoresetMode: AutoresetMode;
  /** How `makeVec` built it (see `VectorEnv.spec`). */
  spec: EnvSpec | undefined = undefined;
  private readonly copy: boolean;
  private readonly observations: Batched<Obs>;
  /** Which envs ended on their last step and were not reset since (next-step resets them; disabled refuses to step them). */
  private readonly autoresetEnvs: Uint8Array;
  private closed = false;

  /** @param envFns one factory per env (as Gymnasium's `env_fns`) */
  constructor(envFns: ReadonlyArray<() => Env<Obs, Act>>, options: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0) throw new GymError('SyncVectorEnv: needs at least one env factory');
    if (options === null || typeof options !== 'object') throw new GymError(`SyncVectorEnv: options must be an object {copy?, autoresetMode?}, got ${formatValue(options)}`);
    // a misspelt option (autoReset) kept the default unseen
    const unknown = unknownKeys(options, ['copy', 'autoresetMode'], 'option');
    if (unknown !== undefined) throw new GymError(`SyncVectorEnv: unknown ${unknown} (options: copy, autoresetMode)`);
    this.envs = envFns.map((fn, i) => {
      const env = typeof fn === 'function' ? fn() : undefined;
      if (!(env instanceof Env)) throw new GymError(`SyncVectorEnv: envFns[${i}] must be a function returning an Env, got ${formatValue(fn)}${typeof fn === 'function' ? ` (it returned ${formatValue(env)})` : ''}`);
      return env;
    });
    this.numEnvs = this.envs.length;
    const first = this.envs[0]!;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.envs.forEach((env, i) => {
      for (const [name, a, b] of [['observation', env.observationSpace, first.observationSpace], ['action', env.actionSpace, first.actionSpace]] as const) {
        if (!a.equals(b)) throw new GymError(`SyncVectorEnv: env ${i} has ${name} space ${a.toString()}, env 0 has ${b.toString()}`);
      }
    });
    this.observationSpace = batchSpace(this.singleObservationSpace, this.numEnvs, 'SyncVectorEnv: the observation space') as Space<Batched<Obs>>;
    this.actionSpace = batchSpace(this.singleActionSpace, this.numEnvs, 'SyncVectorEnv: the action space') as Space<BatchedActions<Act>>;
    this.autoresetMode = checkAutoresetMode(options.autoresetMode ?? 'next-step', 'SyncVectorEnv');
    this.copy = checkCopyOption(options.copy, 'SyncVectorEnv');
    this.observations = createBatch(this.singleObservationSpace, this.numEnvs) as Batched<Obs>;
    this.autoresetEnvs = new Uint8Array(this.numEnvs);
  }

  /** Resets every env, or only those marked by `options.reset_mask` (see `VectorResetArgs`). */
  reset(args: VectorResetArgs = {}): VectorResetResult<Batched<Obs>> {
    this.assertOpen('reset');
    checkResetArgs(args, 'SyncVectorEnv.reset');
    const seeds = vectorSeeds(args.seed, this.numEnvs, 'SyncVectorEnv');
    const { mask, envOptions } = splitResetOptions(args.options, this.numEnvs, 'SyncVectorEnv');
    const infos: Info = {};
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      const resetArgs = { ...(seeds[i] === undefined ? {} : { seed: seeds[i]! }), ...(envOptions ? { options: envOptions } : {}) };
      const [obs, info] = this.envs[i]!.reset(resetArgs);
      writeBatchItem(this.singleObservationSpace, this.observations, i, obs);
      addInfo(infos, info, i, this.numEnvs);
      this.autoresetEnvs[i] = 0;
    }
    return [this.copy ? copyBatch(this.observations) : this.observations, infos];
  }

  /** One action per env (batched, see `batch.ts`); ended envs are reset as `autoresetMode` says. */
  step(actions: BatchedActions<Act>): VectorStepResult<Batched<Obs>> {
    this.assertOpen('step');
    // Before any env steps, so a call refused here leaves every env as it was (a Box part's bounds are each env's to judge).
    if (this.autoresetMode === 'disabled') assertNoEndedEnvs(this.autoresetEnvs, 'SyncVectorEnv');
    const envActions = readCheckedActions(this.singleActionSpace, actions, this.numEnvs, 'SyncVectorEnv', this.autoresetMode === 'next-step' ? this.autoresetEnvs : undefined);
    const rewards = new Float64Array(this.numEnvs);
    const terminated = new Uint8Array(this.numEnvs);
    const truncated = new Uint8Array(this.numEnvs);
    const infos: Info = {};
    for (let i = 0; i < this.numEnvs; i++) {
      const env = this.envs[i]!;
      let obs: Obs;
      let info: Info;
      if (this.autoresetMode === 'next-step' && this.autoresetEnvs[i]) {
        [obs, info] = env.reset();
      } else {
        let result;
        try {
          result = env.step(envActions[i] as Act);
        } catch (error) {
          if (error instanceof Error) error.message = `SyncVectorEnv env ${i}: ${error.message}`;
          throw error;
        }
        obs = result[0];
        rewards[i] = result[1];
        terminated[i] = result[2] ? 1 : 0;
        truncated[i] = result[3] ? 1 : 0;
        info = result[4];
        if (this.autoresetMode === 'same-step' && (result[2] || result[3])) {
          // Copied: an env may reuse its observation object, which the reset below overwrites.
          addInfo(infos, { final_obs: copyBatch(obs), final_info: info }, i, this.numEnvs);
          [obs, info] = env.reset();
        }
      }
      writeBatchItem(this.singleObservationSpace, this.observations, i, obs);
      addInfo(infos, info, i, this.numEnvs);
      this.autoresetEnvs[i] = terminated[i]! | truncated[i]!;
    }
    return [this.copy ? copyBatch(this.observations) : this.observations, rewards, terminated, truncated, infos];
  }

  /** The attribute `name` of each env, through its wrappers (Gymnasium's `get_attr`). */
  getAttr(name: string): unknown[] {
    return this.envs.map((env) => env.getWrapperAttr(name));
  }

  /**
   * Sets the attribute `name` of each env through its wrappers (Gymnasium's `set_attr`):
   * `values` holds one value per env, or is one value for all when not an array. A name an env
   * refuses (see `Env.setWrapperAttr`) is refused before any env is changed.
   */
  setAttr(name: string, values: unknown): void {
    if (Array.isArray(values) && values.length !== this.numEnvs) throw new InvalidArgumentError(`SyncVectorEnv.setAttr: got ${values.length} values for ${this.numEnvs} envs`);
    /** Runs `run` on each env in turn; an error env i throws is named with it, and `after(i)` appended. */
    const eachEnv = (run: (env: Env<Obs, Act>, i: number) => void, after: (i: number) => string = () => ''): void =>
      this.envs.forEach((env, i) => {
        try {
          run(env, i);
        } catch (error) {
          if (error instanceof Error) error.message = `SyncVectorEnv.setAttr: env ${i}: ${error.message}${after(i)}`;
          throw error;
        }
      });
    eachEnv((env) => env.wrapperAttrTarget(name));
    // set one by one, as Gymnasium's: a value env i refuses leaves the envs before it set, which the message says
    const setBefore = (i: number): string => (i === 0 ? '' : i === 1 ? ' (env 0 took its)' : ` (envs 0-${i - 1} took theirs)`);
    eachEnv((env, i) => env.setWrapperAttr(name, Array.isArray(values) ? values[i] : values), setBefore);
  }

  /** Calls the method `name` of each env with `args` and returns the results; a non-function attribute is returned as is (Gymnasium's `call`). */
  call(name: string, ...args: unknown[]): unknown[] {
    return this.envs.map((env) => callThroughWrappers(env, name, args));
  }

  /** This vector env itself (Gymnasium's `VectorEnv.unwrapped`). */
  get unwrapped(): this {
    return this;
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new GymError(`SyncVectorEnv.${method}: the env is closed`);
  }

  /** Closes every env, even after one's close throws; the first error is rethrown once all are closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    let failure: { error: unknown } | undefined;
    for (const env of this.envs) {
      try {
        env.close();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  toString(): string {
    return `SyncVectorEnv(${this.envs[0]?.spec?.id ?? this.envs[0]?.toString()}, numEnvs=${this.numEnvs})`;
  }
}
