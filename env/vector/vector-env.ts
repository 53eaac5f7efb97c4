/**
 * The vector env contract (gymnasium.vector.VectorEnv): `numEnvs` copies stepped together,
 * batched observations and actions (see `batch.ts`), rewards as `Float64Array`, terminated and
 * truncated as `Uint8Array` (0/1), infos as arrays plus `_key` masks (see `infos.ts`).
 */
import type { EnvSpec, Info } from '../core/env.ts';
import { InvalidArgumentError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { checkSeed } from '../core/rng.ts';
import type { Space } from '../spaces/space.ts';

/** `reset` arguments: one seed becomes `seed + i` for env `i`, or give one per env. */
export interface VectorResetArgs {
  seed?: number | ReadonlyArray<number | undefined>;
  /**
   * Passed to every env's `reset`, except `reset_mask` (see `ResetMask`): when present, only the
   * envs it marks are reset (with their seeds from `seed`), the others keep their last
   * observation and add nothing to the infos.
   */
  options?: Record<string, unknown>;
}

/**
 * What a vector `reset` returns: the batched observations and the infos batched by `addInfo` (with
 * `_key` masks).
 */
export type VectorResetResult<BObs> = [obs: BObs, infos: Info];
/**
 * What a vector `step` returns: batched observations, one reward per env (`Float64Array`),
 * `terminated` and `truncated` as 0/1 `Uint8Array`s, and the batched infos.
 */
export type VectorStepResult<BObs> = [obs: BObs, rewards: Float64Array, terminated: Uint8Array, truncated: Uint8Array, infos: Info];

/**
 * When a vector env resets an env whose episode ended (gymnasium.vector.AutoresetMode, see
 * https://farama.org/Vector-Autoreset-Mode):
 * - `next-step` (the default, Gymnasium's NEXT_STEP): the next `step` resets it instead of
 *   stepping (its action is ignored) and reports reward 0, not terminated, not truncated and
 *   the reset observation and info.
 * - `same-step` (SAME_STEP): the ending `step` resets it at once. That step's reward and flags
 *   are the episode's last; its observation is the reset observation. The episode's final
 *   observation and info go into the infos as `final_obs` and `final_info`, with the masks
 *   `_final_obs` and `_final_info` marking the envs that ended (see `infos.ts`).
 * - `disabled` (DISABLED): no autoreset. Reset ended envs with
 *   `reset({ options: { reset_mask } })`; stepping an env that ended and was not reset throws.
 */
export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';

/** Every autoreset mode, the default first. */
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step', 'disabled'];

/**
 * The most envs `makeVec` and `BdtVectorEnv` build in one vector env: 64 times `train`'s and
 * `serve`'s bound (1024), and still buildable (65,536 BDT-v0 envs take about 1.4 GB and 4 s),
 * while a typo such as 1e9 is refused at once instead of exhausting the heap or hanging.
 */
export const MAX_NUM_ENVS = 65_536;

/** Throws an `InvalidArgumentError` from `owner` unless `numEnvs` is an integer from 1 to `MAX_NUM_ENVS`. */
export function checkNumEnvs(numEnvs: unknown, owner: string): void {
  if (!Number.isInteger(numEnvs) || (numEnvs as number) < 1) throw new InvalidArgumentError(`${owner}: numEnvs = ${formatValue(numEnvs)} must be a positive integer`);
  if ((numEnvs as number) > MAX_NUM_ENVS) throw new InvalidArgumentError(`${owner}: numEnvs = ${formatValue(numEnvs)} is more than MAX_NUM_ENVS = ${MAX_NUM_ENVS}, the most envs one vector env takes`);
}

/** `mode` if it is an `AutoresetMode`, else an `InvalidArgumentError` listing the modes. */
export function checkAutoresetMode(mode: unknown, owner: string): AutoresetMode {
  if (!AUTORESET_MODES.includes(mode as AutoresetMode)) {
    throw new InvalidArgumentError(`${owner}: autoresetMode ${formatValue(mode)} is not one of ${AUTORESET_MODES.map((m) => `'${m}'`).join(', ')}`);
  }
  return mode as AutoresetMode;
}

/**
 * `numEnvs` envs stepped as one (gymnasium.vector.VectorEnv): batched observations and actions,
 * with ended envs reset as `autoresetMode` says. Implemented by `SyncVectorEnv`, `BdtVectorEnv` and
 * `AsyncVectorEnv` (`bdt-gym/node`).
 */
export interface VectorEnv<BObs = unknown, BAct = unknown> {
  /** Number of envs. */
  readonly numEnvs: number;
  /** The observation space of one env. */
  readonly singleObservationSpace: Space<unknown>;
  /** The action space of one env. */
  readonly singleActionSpace: Space<unknown>;
  /** Space of batched observations (`batchSpace(singleObservationSpace, numEnvs)`). */
  readonly observationSpace: Space<BObs>;
  /** Space of batched actions (`actionSpace.sample()` gives one random action per env). */
  readonly actionSpace: Space<BAct>;
  /** How ended envs are reset (Gymnasium's `metadata["autoreset_mode"]`). */
  readonly autoresetMode: AutoresetMode;
  /**
   * Resets every env, or those marked by `options.reset_mask`; a seed `s` seeds env `i` with `s +
   * i` (see `VectorResetArgs`).
   */
  reset(args?: VectorResetArgs): VectorResetResult<BObs>;
  /**
   * Steps every env with its action from the batch; ended envs are reset as `autoresetMode` says
   * (an action given to a next-step reset is ignored).
   */
  step(actions: BAct | ArrayLike<number>): VectorStepResult<BObs>;
  /** Closes every env; safe twice. */
  close(): void;
  /**
   * The attribute `name` of each env, in env order (Gymnasium's `get_attr`). Optional: a vector
   * env without per-env objects may offer some names only, or none.
   */
  getAttr?(name: string): unknown[];
  /** Sets the attribute `name` of each env (Gymnasium's `set_attr`): `values` holds one value per env, or is one value for all when not an array. */
  setAttr?(name: string, values: unknown): void;
  /** Calls the method `name` of each env with `args` and returns the results; a non-function attribute is returned as is (Gymnasium's `call`). */
  call?(name: string, ...args: unknown[]): unknown[];
  /** The vector env under any vector wrappers (Gymnasium's `VectorEnv.unwrapped`: itself for a vector env). */
  readonly unwrapped: VectorEnv<unknown, unknown>;
  /**
   * How `makeVec` built this vector env (Gymnasium's `VectorEnv.spec`): the id's spec, its
   * `kwargs` the env kwargs plus `numEnvs`, `vectorizationMode` and, when given, `vectorKwargs`
   * (copy, autoresetMode), `makeOptions` and `wrappers`. `undefined` for one constructed directly; a vector
   * wrapper shows its env's.
   */
  spec?: EnvSpec | undefined;
}

/** The `copy` option of a vector env (default true), refused by name unless a boolean. */
export function checkCopyOption(copy: unknown, owner: string): boolean {
  if (copy === undefined) return true;
  if (typeof copy !== 'boolean') throw new InvalidArgumentError(`${owner}: copy = ${formatValue(copy)} must be true or false`);
  return copy;
}

/** The per-env seeds of a vector `reset`. */
export function vectorSeeds(seed: VectorResetArgs['seed'], n: number, owner: string): Array<number | undefined> {
  if (seed == null) return new Array<number | undefined>(n).fill(undefined);
  if (!Array.isArray(seed)) {
    checkSeed(seed, `${owner}.reset`);
    const first = seed as number;
    checkSeed(first + (n - 1), `${owner}.reset (env ${n - 1} gets seed + ${n - 1})`);
    return Array.from({ length: n }, (_, i) => first + i);
  }
  if (seed.length !== n) throw new InvalidArgumentError(`${owner}.reset: got ${seed.length} seeds for ${n} envs`);
  seed.forEach((s, i) => s == null || checkSeed(s, `${owner}.reset (env ${i})`));
  return seed.map((s) => s ?? undefined);
}
