/**
 * `makeVec` (gymnasium.make_vec): `numEnvs` copies of a registered env as one vector env.
 *
 * - `vectorizationMode: 'vector-entry-point'` (the default when the id registers a
 *   `vectorEntryPoint`, as the B-DT and CartPole ids do): the env's native vector form, built
 *   from `kwargs` plus the `copy` and `autoresetMode` options.
 * - `'sync'` (the default otherwise): a `SyncVectorEnv` of `make(id, kwargs)` envs, each passed
 *   through `wrappers` in order; `copy` and `autoresetMode` go to the `SyncVectorEnv`.
 *
 * Given a vector env's `spec` (gymnasium.make_vec(spec)), it takes `numEnvs`, the mode, the vector
 * options, `makeOptions` and `wrappers` from the spec's kwargs and the rest as env kwargs; the
 * arguments given override them. `makeVec(envs.spec)` rebuilds `envs`.
 *
 * `numEnvs` is at most `MAX_NUM_ENVS` (65,536). For worker threads use `AsyncVectorEnv` from `bdt-gym/node`.
 *
 * @example
 * const cartpoles = makeVec('CartPole-v1', 8); // CartPoleVectorEnv, the native form
 * const envs = makeVec('CartPole-v1', 8, { vectorizationMode: 'sync', wrappers: [(e) => new RecordEpisodeStatistics(e)] });
 * const sameStep = makeVec('CartPole-v1', 8, { vectorizationMode: 'sync', autoresetMode: 'same-step' });
 * const bdt = makeVec('BDT-v0', 16); // BdtVectorEnv, the native form
 * const again = makeVec(bdt.spec!); // another BdtVectorEnv of 16
 */
import type { Env, EnvSpec } from '../core/env.ts';
import { InvalidArgumentError } from '../core/errors.ts';
import { formatValue, unknownKeys } from '../core/format.ts';
import { isEnvSpec, make, spec, type MakeOptions, type NotBuiltIn, type RegisteredAction, type RegisteredEnvTypes, type RegisteredKwargs, type RegisteredObservation, type RegisteredVectorKwargs } from '../registration.ts';
import { SyncVectorEnv, type SyncVectorEnvOptions } from './sync-vector-env.ts';
import type { Batched, BatchedActions } from './batch.ts';
import { checkNumEnvs, type VectorEnv } from './vector-env.ts';

/** The ways `makeVec` vectorises (gymnasium.VectorizeMode, without `async`: see `bdt-gym/node`). */
export const VECTORIZATION_MODES = ['sync', 'vector-entry-point'] as const;
/** How `makeVec` vectorises: one of `VECTORIZATION_MODES`. */
export type VectorizationMode = (typeof VECTORIZATION_MODES)[number];

/**
 * Options of `makeVec` (Gymnasium's `vectorization_mode`, `vector_kwargs` and `wrappers`): `copy`
 * and `autoresetMode` are the vector kwargs.
 */
export interface MakeVecOptions<Obs, Act, Kwargs extends object = Record<string, unknown>> extends SyncVectorEnvOptions {
  /** Default: `'vector-entry-point'` when the id registers one, else `'sync'`. */
  vectorizationMode?: VectorizationMode;
  /** Env keyword arguments: `make`'s (`sync`), or the vector entry point's. */
  kwargs?: Kwargs;
  /** `make` options (`sync` only). */
  makeOptions?: MakeOptions;
  /** Applied to each env after `make`, first to last (`sync` only). */
  wrappers?: ReadonlyArray<(env: Env<Obs, Act>) => Env<Obs, Act>>;
}

/**
 * The kwargs of built-in id `Id` in vectorization mode `Mode`: `make`'s in 'sync', the vector entry
 * point's in 'vector-entry-point' (and by default); either, for a mode not known statically.
 */
export type MakeVecKwargs<Id extends keyof RegisteredEnvTypes, Mode extends VectorizationMode> = [VectorizationMode] extends [Mode]
  ? RegisteredKwargs<Id> | RegisteredVectorKwargs<Id>
  : Mode extends 'sync'
    ? RegisteredKwargs<Id>
    : RegisteredVectorKwargs<Id>;

// a built-in id types the vector env and its kwargs (as make: `make`'s in 'sync' mode, else its
// vector entry point's); any other id takes any kwargs and gives the types given
/**
 * `numEnvs` copies of built-in env `id` as one `SyncVectorEnv` of `make(id, kwargs)` envs, each
 * passed through `wrappers` (gymnasium.make_vec with `vectorization_mode="sync"`); the id types the
 * observations, actions and `kwargs`.
 */
export function makeVec<Id extends keyof RegisteredEnvTypes>(id: Id, numEnvs: number, options: MakeVecOptions<RegisteredObservation<Id>, RegisteredAction<Id>, RegisteredKwargs<Id>> & { vectorizationMode: 'sync' }): SyncVectorEnv<RegisteredObservation<Id>, RegisteredAction<Id>>;
/**
 * `numEnvs` copies of built-in env `id` as one vector env (gymnasium.make_vec): its native vector
 * form (`BdtVectorEnv` for the B-DT ids, `CartPoleVectorEnv` for CartPole's) when it registers a
 * `vectorEntryPoint`, else a `SyncVectorEnv`. `numEnvs` is at most `MAX_NUM_ENVS`; for worker
 * threads use `AsyncVectorEnv` from `bdt-gym/node`.
 */
export function makeVec<Id extends keyof RegisteredEnvTypes, Mode extends VectorizationMode = 'vector-entry-point'>(id: Id, numEnvs: number, options?: MakeVecOptions<RegisteredObservation<Id>, RegisteredAction<Id>, MakeVecKwargs<Id, Mode>> & { vectorizationMode?: Mode }): VectorEnv<Batched<RegisteredObservation<Id>>, BatchedActions<RegisteredAction<Id>>>;
// a built-in id matches only the overloads above, so its kwargs are checked
/**
 * `numEnvs` copies of a registered env that is not built in, as a `SyncVectorEnv` of the
 * observation and action types given (`Obs`, `Act`; `unknown` by default).
 */
export function makeVec<Obs = unknown, Act = unknown, Id extends string = string>(id: NotBuiltIn<Id>, numEnvs: number, options: MakeVecOptions<Obs, Act> & { vectorizationMode: 'sync' }): SyncVectorEnv<Obs, Act>;
/**
 * `numEnvs` copies of a registered env that is not built in, as a vector env of the types given:
 * its `vectorEntryPoint`'s when it registers one, else a `SyncVectorEnv`.
 */
export function makeVec<Obs = unknown, Act = unknown, Id extends string = string>(id: NotBuiltIn<Id>, numEnvs: number, options?: MakeVecOptions<Obs, Act>): VectorEnv<Batched<Obs>, BatchedActions<Act>>;
/**
 * Rebuilds a vector env from its `spec` (gymnasium.make_vec(spec)): `numEnvs`, the mode, the vector
 * options, `makeOptions` and `wrappers` come from the spec's kwargs, the rest are env kwargs; the
 * arguments given override them key by key, and a spec without `numEnvs` makes 1 env.
 */
export function makeVec<Obs = unknown, Act = unknown>(spec: EnvSpec, numEnvs?: number, options?: MakeVecOptions<Obs, Act>): VectorEnv<Batched<Obs>, BatchedActions<Act>>;
export function makeVec<Obs = unknown, Act = unknown>(idOrSpec: string | EnvSpec, numEnvsGiven?: number, optionsTyped: MakeVecOptions<Obs, Act, object> = {}): VectorEnv<Batched<Obs>, BatchedActions<Act>> {
  const optionsGiven = optionsTyped as MakeVecOptions<Obs, Act>; // the entry points check the kwargs
  if (typeof optionsGiven !== 'object' || optionsGiven === null) throw new InvalidArgumentError(`makeVec: options must be an object, got ${formatValue(optionsGiven)}`);
  const { envSpec, numEnvs, options } = isEnvSpec(idOrSpec) ? fromSpec(idOrSpec, numEnvsGiven, optionsGiven) : { envSpec: spec(idOrSpec, 'makeVec'), numEnvs: numEnvsGiven as number, options: optionsGiven }; // checkNumEnvs refuses a missing numEnvs
  checkNumEnvs(numEnvs, 'makeVec');
  const { vectorizationMode, kwargs = {}, makeOptions, wrappers, ...vectorOptions } = options;
  const id = envSpec.id;
  const mode = vectorizationMode ?? (envSpec.vectorEntryPoint ? 'vector-entry-point' : 'sync');
  // checked in both modes: the native form would take a misspelt option for an env kwarg
  const unknown = unknownKeys(vectorOptions, ['copy', 'autoresetMode'], 'option');
  if (unknown !== undefined) throw new InvalidArgumentError(`makeVec: unknown ${unknown} (options: vectorizationMode, kwargs, makeOptions, wrappers, copy, autoresetMode)`);
  if (mode === 'vector-entry-point') {
    if (!envSpec.vectorEntryPoint) throw new InvalidArgumentError(`makeVec: ${id} registers no vectorEntryPoint; use vectorizationMode 'sync'`);
    // as Gymnasium: the native form takes no per-env wrappers or make options
    if (wrappers !== undefined && wrappers.length > 0) throw new InvalidArgumentError(`makeVec: wrappers apply to the envs of vectorizationMode 'sync', not to ${id}'s vectorEntryPoint; for wrapped envs pass vectorizationMode: 'sync', or wrap the vector env itself (VectorRecordEpisodeStatistics, VectorFlattenObservation, ...)`);
    if (makeOptions !== undefined) throw new InvalidArgumentError(`makeVec: makeOptions apply to the envs of vectorizationMode 'sync', not to ${id}'s vectorEntryPoint; for them pass vectorizationMode: 'sync'`);
    const native = envSpec.vectorEntryPoint(numEnvs, { ...envSpec.kwargs, ...kwargs, ...vectorOptions }) as VectorEnv<Batched<Obs>, BatchedActions<Act>>;
    return withSpec(native, envSpec, { ...kwargs, numEnvs, vectorizationMode: mode, ...vectorKwargsOf(vectorOptions) });
  }
  if (mode !== 'sync') throw new InvalidArgumentError(`makeVec: vectorizationMode ${formatValue(mode)} is not one of 'sync', 'vector-entry-point'${mode === 'async' ? " (the async form runs worker threads, Node only: new AsyncVectorEnv(...) from 'bdt-gym/node')" : ''}`);
  (wrappers ?? []).forEach((wrap, i) => {
    if (typeof wrap !== 'function') throw new InvalidArgumentError(`makeVec: wrappers[${i}] must be a function (env) => Env, got ${formatValue(wrap)}`);
  });
  const build = (): Env<Obs, Act> => (wrappers ?? []).reduce((env, wrap) => wrap(env), make<Obs, Act>(envSpec, kwargs, makeOptions ?? {}));
  const sync = new SyncVectorEnv(Array.from({ length: numEnvs }, () => build), vectorOptions);
  return withSpec(sync, envSpec, { ...kwargs, numEnvs, vectorizationMode: mode, ...vectorKwargsOf(vectorOptions), ...(makeOptions !== undefined ? { makeOptions } : {}), ...(wrappers !== undefined && wrappers.length > 0 ? { wrappers } : {}) });
}

/**
 * What a vector env's spec says to build (as gymnasium.make_vec(spec)): its kwargs' `numEnvs`,
 * `vectorizationMode`, `vectorKwargs`, `makeOptions` and `wrappers`, the rest as env kwargs (which
 * include the id's own, so the spec is used with none of its own), each overridden by what is given;
 * `numEnvs` is 1 when neither has one (an env's spec), as Gymnasium's default.
 */
function fromSpec<Obs, Act>(given: EnvSpec, numEnvs: number | undefined, options: MakeVecOptions<Obs, Act>): { envSpec: EnvSpec; numEnvs: number; options: MakeVecOptions<Obs, Act> } {
  const { numEnvs: specNumEnvs, vectorizationMode, vectorKwargs, makeOptions, wrappers, ...kwargs } = (given.kwargs ?? {}) as Record<string, unknown> & MakeVecOptions<Obs, Act> & { numEnvs?: number; vectorKwargs?: SyncVectorEnvOptions };
  const fromSpecKwargs = { vectorizationMode, ...vectorKwargs, makeOptions, wrappers };
  const defined = Object.fromEntries(Object.entries({ ...fromSpecKwargs, ...options }).filter(([, value]) => value !== undefined));
  return { envSpec: { ...given, kwargs: {} }, numEnvs: numEnvs ?? specNumEnvs ?? 1, options: { ...defined, kwargs: { ...kwargs, ...options.kwargs } } };
}

/** `{vectorKwargs}` when vector options were given (as Gymnasium's spec keeps `vector_kwargs`), else nothing. */
function vectorKwargsOf(vectorOptions: object): { vectorKwargs?: object } {
  return Object.keys(vectorOptions).length > 0 ? { vectorKwargs: { ...vectorOptions } } : {};
}

/** `env` with its `spec` set to the id's spec over `kwargs` (the spec's own kwargs first), as gymnasium.make_vec sets it. */
function withSpec<V extends VectorEnv<unknown, unknown>>(env: V, envSpec: EnvSpec, kwargs: Record<string, unknown>): V {
  env.unwrapped.spec = Object.freeze({ ...envSpec, kwargs: Object.freeze({ ...envSpec.kwargs, ...kwargs }) });
  return env;
}
