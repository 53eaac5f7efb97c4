/**
 * `makeVec` (gymnasium.make_vec, sync mode): `numEnvs` copies of a registered env in a
 * `SyncVectorEnv`, each built by `make(id, kwargs)` and then passed through `wrappers` in order.
 * The `SyncVectorEnv` options (`copy`, `autoresetMode`) pass through, as Gymnasium's
 * `vector_kwargs`. For worker threads use `AsyncVectorEnv` from `bdt-gym/node`.
 *
 * @example
 * const envs = makeVec<Float32Array, number>('CartPole-v1', 8, { wrappers: [(e) => new RecordEpisodeStatistics(e)] });
 * const sameStep = makeVec<Float32Array, number>('CartPole-v1', 8, { autoresetMode: 'same-step' });
 */
import type { Env } from '../core/env.ts';
import { GymError } from '../core/errors.ts';
import { make, type MakeOptions } from '../registration.ts';
import { SyncVectorEnv, type SyncVectorEnvOptions } from './sync-vector-env.ts';

export interface MakeVecOptions<Obs, Act> extends SyncVectorEnvOptions {
  /** Env keyword arguments (as `make`). */
  kwargs?: Record<string, unknown>;
  /** `make` options. */
  makeOptions?: MakeOptions;
  /** Applied to each env after `make`, first to last. */
  wrappers?: ReadonlyArray<(env: Env<Obs, Act>) => Env<Obs, Act>>;
}

export function makeVec<Obs = unknown, Act = unknown>(id: string, numEnvs: number, options: MakeVecOptions<Obs, Act> = {}): SyncVectorEnv<Obs, Act> {
  if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new GymError(`makeVec: numEnvs = ${numEnvs} must be a positive integer`);
  const { kwargs = {}, makeOptions = {}, wrappers = [], ...vectorOptions } = options;
  const build = (): Env<Obs, Act> => wrappers.reduce((env, wrap) => wrap(env), make<Obs, Act>(id, kwargs, makeOptions));
  return new SyncVectorEnv(Array.from({ length: numEnvs }, () => build), vectorOptions);
}
