/**
 * The env registry (gymnasium.envs.registration): `register` an id once, `make` it anywhere.
 *
 * Entry points are factories `(kwargs) => Env`, given directly or by a string key registered
 * with `registerEntryPoint` (so specs stay plain data). Everything here is synchronous and
 * browser-safe; envs register themselves in `env/envs.ts`, which the `env/index.ts` barrel imports.
 */
import { closestName } from './core/closest-name.ts';
import type { Env, EnvFactory, EnvSpec, VectorEnvFactory } from './core/env.ts';
import { GymError, InvalidArgumentError, UnregisteredEnvError } from './core/errors.ts';
import { formatValue, unknownKeys } from './core/format.ts';
import { warn } from './core/logger.ts';
import { isPlainObject } from './core/plain-object.ts';
import { PassiveEnvChecker } from './wrappers/passive-env-checker.ts';
import { OrderEnforcing } from './wrappers/order-enforcing.ts';
import { TimeLimit } from './wrappers/time-limit.ts';

/** Arguments of `register`. */
export interface RegisterArgs {
  /** Unique id, `Name-vN` by convention. */
  id: string;
  /** A factory, or the key of one registered with `registerEntryPoint`. */
  entryPoint: string | EnvFactory;
  /** A natively vectorised form (Gymnasium's `vector_entry_point`), which `makeVec` uses by default. */
  vectorEntryPoint?: VectorEnvFactory;
  /** Episode length after which `make` truncates (TimeLimit); none when omitted. */
  maxEpisodeSteps?: number;
  /** Mean episode return at which the task counts as solved. */
  rewardThreshold?: number;
  /**
   * True when the same seed and actions cannot repeat an episode (Gymnasium's `nondeterministic`:
   * a physical system, an outside process): `checkEnv` then skips comparing the episodes of its
   * determinism checks. Default false.
   */
  nondeterministic?: boolean;
  /** Default keyword arguments of the factory. */
  kwargs?: Record<string, unknown>;
}

/** Extra choices of `make` (gymnasium.make's keyword arguments that are not env kwargs). */
export interface MakeOptions {
  /** Override the spec's episode limit; -1 for none (no TimeLimit), as Gymnasium. */
  maxEpisodeSteps?: number;
  /** Skip the PassiveEnvChecker wrapper. */
  disableEnvChecker?: boolean;
}

/** Gymnasium's env id pattern: an optional namespace, a name, an optional version. */
const ENV_ID = /^(?:([\p{L}\p{N}_:-]+)\/)?([\p{L}\p{N}_:.-]+?)(?:-v(\d+))?$/u;

/** The parts of an env id (Gymnasium's `parse_env_id`). */
interface EnvIdParts {
  id: string;
  namespace: string | undefined;
  name: string;
  /** The version's digits as written (kept as text: a number would print 1e+23, or lose digits). */
  version: string | undefined;
}

function parseEnvId(id: string): EnvIdParts | undefined {
  const match = ENV_ID.exec(id);
  if (!match) return undefined;
  return { id, namespace: match[1], name: match[2]!, version: match[3] };
}

/** `parts`'s id with its version as Gymnasium's `int(version)` writes it: without leading zeros. */
function canonicalId(parts: EnvIdParts): string {
  const name = `${parts.namespace === undefined ? '' : `${parts.namespace}/`}${parts.name}`;
  return parts.version === undefined ? name : `${name}-v${parts.version.replace(/^0+(?=\d)/, '')}`;
}

const specs = new Map<string, EnvSpec>();
const entryPoints = new Map<string, EnvFactory>();

// Counted on globalThis, which every copy of this module shares: a second copy (another install,
// or these files loaded again as CommonJS) has registries, and classes, of its own.
const COPIES = Symbol.for('bdt-gym.registry-copies');
const shared = globalThis as { [COPIES]?: number };
shared[COPIES] = (shared[COPIES] ?? 0) + 1;

/**
 * How many copies of bdt-gym's registry this process (or page) has loaded: 1, unless code
 * imported a second bdt-gym, whose registrations the first one does not see.
 */
export function registryCopies(): number {
  return shared[COPIES]!;
}

/**
 * A read-only view of `map` at run time, not only in the type: a cast to Map finds no `set`,
 * `delete` or `clear` (a stray entry broke every "registered ids" message and `make`).
 */
function readOnlyView<K, V>(map: Map<K, V>): ReadonlyMap<K, V> {
  const view: ReadonlyMap<K, V> = Object.freeze({
    get size() {
      return map.size;
    },
    get: (key: K) => map.get(key),
    has: (key: K) => map.has(key),
    keys: () => map.keys(),
    values: () => map.values(),
    entries: () => map.entries(),
    forEach: (callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown) => map.forEach((value, key) => callback.call(thisArg, value, key, view)),
    [Symbol.iterator]: () => map.entries(),
    [Symbol.toStringTag]: 'ReadonlyMap',
  });
  return view;
}

/** The registered specs by id (a read-only view, in registration order; `register` adds to it). */
export const registry: ReadonlyMap<string, EnvSpec> = readOnlyView(specs);

/** Name a factory so specs can refer to it by string. */
export function registerEntryPoint(key: string, factory: EnvFactory): void {
  entryPoints.set(key, factory);
}

const REGISTER_KEYS = ['id', 'entryPoint', 'vectorEntryPoint', 'maxEpisodeSteps', 'rewardThreshold', 'nondeterministic', 'kwargs'] as const;

/** Refuses `register` arguments that would make a broken spec, or be dropped unseen (a misspelt `maxEpisodeStep` left the env without its limit). */
function checkRegisterArgs(args: RegisterArgs): void {
  const refuse = (why: string) => new GymError(`register(${JSON.stringify(args.id)}): ${why}`);
  const unknown = unknownKeys(args, REGISTER_KEYS);
  if (unknown !== undefined) throw refuse(`unknown ${unknown} (keys: ${REGISTER_KEYS.join(', ')})`);
  if (typeof args.entryPoint !== 'string' && typeof args.entryPoint !== 'function') throw refuse(`entryPoint must be a factory (kwargs) => Env or the key of one (registerEntryPoint), got ${formatValue(args.entryPoint)}`);
  if (args.vectorEntryPoint !== undefined && typeof args.vectorEntryPoint !== 'function') throw refuse(`vectorEntryPoint must be a factory (numEnvs, kwargs) => VectorEnv, got ${formatValue(args.vectorEntryPoint)}`);
  if (args.maxEpisodeSteps !== undefined && !(Number.isSafeInteger(args.maxEpisodeSteps) && args.maxEpisodeSteps >= 1)) throw refuse(`maxEpisodeSteps must be an integer >= 1 (omit it for no limit), got ${formatValue(args.maxEpisodeSteps)}`);
  if (args.rewardThreshold !== undefined && !(typeof args.rewardThreshold === 'number' && Number.isFinite(args.rewardThreshold))) throw refuse(`rewardThreshold must be a finite number (or omitted), got ${formatValue(args.rewardThreshold)}`);
  if (args.nondeterministic !== undefined && typeof args.nondeterministic !== 'boolean') throw refuse(`nondeterministic must be a boolean (or omitted), got ${formatValue(args.nondeterministic)}`);
  if (args.kwargs !== undefined && !isPlainObject(args.kwargs)) throw refuse(`kwargs must be a plain object of the factory's keyword arguments, got ${formatValue(args.kwargs)}`);
}

/**
 * Register an env id, its version written without leading zeros (`Plant-v02` is registered as
 * `Plant-v2`), as Gymnasium. A name is registered with versions or without one, not both (as
 * Gymnasium refuses), so an unversioned id means one env. Re-registering an id replaces it with
 * a warning, as Gymnasium.
 */
export function register(args: RegisterArgs): EnvSpec {
  const parts = typeof args.id === 'string' ? parseEnvId(args.id) : undefined;
  if (parts === undefined) {
    throw new GymError(`register: id ${formatValue(args.id)} is not an env id: [namespace/]name[-vN], of letters, digits and _ : . - (Gymnasium's pattern, e.g. "BDT-v0", "mylab/Plant8-v1")`);
  }
  checkRegisterArgs(args);
  const id = canonicalId(parts);
  const unversioned = canonicalId({ ...parts, version: undefined });
  if (parts.version !== undefined && specs.has(unversioned)) {
    throw new GymError(`register: cannot register the versioned environment "${id}" when the unversioned environment "${unversioned}" of the same name already exists`);
  }
  const latest = versionsOf(parts).at(-1);
  if (parts.version === undefined && latest !== undefined) {
    throw new GymError(`register: cannot register the unversioned environment "${id}" when the versioned environment "${latest.id}" of the same name already exists (make("${id}") makes its latest version)`);
  }
  if (specs.has(id)) warn(`Overriding environment ${id} already in registry.`);
  const spec: EnvSpec = Object.freeze({
    id,
    entryPoint: args.entryPoint,
    vectorEntryPoint: args.vectorEntryPoint,
    maxEpisodeSteps: args.maxEpisodeSteps,
    rewardThreshold: args.rewardThreshold,
    ...(args.nondeterministic === true ? { nondeterministic: true } : {}),
    kwargs: Object.freeze({ ...(args.kwargs ?? {}) }),
  });
  specs.set(id, spec);
  return spec;
}

/** Removes `id` from the registry (Gymnasium's `del gymnasium.registry[id]`); whether it was registered. */
export function unregister(id: string): boolean {
  return specs.delete(id);
}

/**
 * The spec of `id`. An unversioned id that is not registered itself gives its name's latest
 * version, with a warning (as gymnasium.make); an unknown id throws `UnregisteredEnvError` saying
 * what is near (the id in another case, its name's versions, the closest name) and listing the registered ids (`owner` names the
 * caller when `id` is no string).
 */
export function spec(id: string, owner = 'spec'): EnvSpec {
  if (typeof id !== 'string') invalidId(owner, id);
  const found = specs.get(id);
  if (found) return found;
  const wanted = parseEnvId(id);
  if (wanted !== undefined && wanted.version === undefined) {
    const latest = versionsOf(wanted).at(-1);
    if (latest !== undefined) {
      warn(`Using the latest versioned environment \`${latest.id}\` instead of the unversioned environment \`${id}\`.`);
      return specs.get(latest.id)!;
    }
  }
  const hint = unregisteredEnvHint(id);
  throw new UnregisteredEnvError(`No registered env with id "${id}".${hint === undefined ? '' : ` ${hint}`} Registered ids: ${[...specs.keys()].join(', ') || '(none)'}`);
}

/**
 * What is registered near the unregistered `id`, as a sentence (Gymnasium's VersionNotFound,
 * NamespaceNotFound and NameNotFound): a registered id it spells in another case, the versions its
 * name has, an unknown namespace, or the closest registered name; undefined when nothing is near.
 */
export function unregisteredEnvHint(id: string): string | undefined {
  // first the whole id: `BDT-V0` parses as an unversioned name, whose nearest names are no help
  const sameLetters = [...specs.keys()].filter((registered) => registered.toLowerCase() === id.toLowerCase());
  if (sameLetters.length === 1) return `Env ids are case-sensitive: did you mean "${sameLetters[0]!}"?`;
  const wanted = parseEnvId(id);
  if (wanted === undefined) return undefined;
  const registered = registeredIds();
  const inNamespace = registered.filter((parts) => parts.namespace === wanted.namespace);
  if (inNamespace.length === 0 && wanted.namespace !== undefined) {
    const namespaces = registered.flatMap((parts) => (parts.namespace === undefined ? [] : [parts.namespace]));
    const closest = closestName(wanted.namespace, namespaces)?.name;
    return `No env is registered in namespace "${wanted.namespace}".${closest === undefined ? '' : ` Did you mean "${closest}"?`}`;
  }
  const fullName = canonicalId({ ...wanted, version: undefined });
  const versions = versionsOf(wanted);
  if (versions.length > 0) {
    if (wanted.version === undefined) return undefined; // spec() makes the latest version
    const canonical = canonicalId(wanted);
    if (canonical !== id && specs.has(canonical)) return `Versions are written without leading zeros: did you mean "${canonical}"?`;
    return `"${fullName}" has no version v${wanted.version}; it provides versioned environments: [ ${versions.map((parts) => `v${parts.version}`).join(', ')} ].`;
  }
  if (inNamespace.some((parts) => parts.name === wanted.name)) return `"${fullName}" is registered without a version: use "${fullName}".`;
  const closest = closestName(wanted.name, inNamespace.map((parts) => parts.name))?.name;
  return closest === undefined ? undefined : `Did you mean "${closest}"?`;
}

/** The parts of every registered id (`register` takes no other ids, and writes no leading zeros). */
function registeredIds(): EnvIdParts[] {
  return [...specs.keys()].map((id) => parseEnvId(id)!);
}

/** The registered versions of `wanted`'s namespace and name, lowest first. */
function versionsOf(wanted: EnvIdParts): EnvIdParts[] {
  return registeredIds()
    .filter((parts) => parts.namespace === wanted.namespace && parts.name === wanted.name && parts.version !== undefined)
    .sort((a, b) => a.version!.length - b.version!.length || (a.version! < b.version! ? -1 : 1)); // digits without leading zeros: the shorter is less
}

/**
 * The observation and action types of the built-in ids, so `make('BDT-v0')` is typed without type
 * arguments. Each env module adds its ids by declaration merging (`declare module`); a user's
 * registration may do the same, or pass the types to `make<Obs, Act>(id)`.
 */
export interface RegisteredEnvTypes {}

/** The observation type of a built-in id. */
export type RegisteredObservation<Id extends keyof RegisteredEnvTypes> = RegisteredEnvTypes[Id] extends { observation: infer Obs } ? Obs : never;
/** The action type of a built-in id. */
export type RegisteredAction<Id extends keyof RegisteredEnvTypes> = RegisteredEnvTypes[Id] extends { action: infer Act } ? Act : never;
/** The keyword arguments `make(id, kwargs)` takes: a built-in id's own ({@link RegisteredEnvTypes}), any object for other ids. */
export type RegisteredKwargs<Id extends string> = Id extends keyof RegisteredEnvTypes ? (RegisteredEnvTypes[Id] extends { kwargs: infer Kwargs extends object } ? Kwargs : Record<string, unknown>) : Record<string, unknown>;
/**
 * The keyword arguments `makeVec(id, n, { kwargs })` takes where it builds the id's native vector
 * env: a built-in id's `vectorKwargs` ({@link RegisteredEnvTypes}) when it has a vector entry
 * point, else its env's ({@link RegisteredKwargs}); any object for other ids.
 */
export type RegisteredVectorKwargs<Id extends string> = Id extends keyof RegisteredEnvTypes ? (RegisteredEnvTypes[Id] extends { vectorKwargs: infer Kwargs extends object } ? Kwargs : RegisteredKwargs<Id>) : Record<string, unknown>;
/** `Id` unless it is a built-in id (then never): the untyped overload leaves the built-in ids to the typed one. */
export type NotBuiltIn<Id extends string> = Id extends keyof RegisteredEnvTypes ? never : Id;
/** The `Env` type `make(id)` returns for a built-in id. */
export type RegisteredEnv<Id extends keyof RegisteredEnvTypes> = Env<RegisteredObservation<Id>, RegisteredAction<Id>>;
/** The `Env` type `make(id)` returns: a built-in id's ({@link RegisteredEnv}); for other ids `Env<Obs, Act>`, as the context asks (`const env: Env<O, A> = make(id)`), else `Env<unknown, unknown>`. */
export type MadeEnv<Id extends string, Obs = unknown, Act = unknown> = Id extends keyof RegisteredEnvTypes ? RegisteredEnv<Id> : Env<Obs, Act>;

/**
 * A new env for `id`: the factory's env (with `kwargs` over the spec's) wrapped as Gymnasium:
 * PassiveEnvChecker -> OrderEnforcing -> TimeLimit (outermost, when an episode limit applies).
 * A built-in id types the env and its kwargs ({@link RegisteredEnvTypes}); any other id takes
 * any kwargs and gives `Env<unknown, unknown>`, or the types given as `make<Obs, Act>(id)`
 * (which, for a built-in id, leaves its kwargs unchecked by the type).
 */
export function make<Id extends string, Obs = unknown, Act = unknown>(id: Id, kwargs?: RegisteredKwargs<Id>, options?: MakeOptions): MadeEnv<Id, Obs, Act>;
// a built-in id matches only the overload above, so its kwargs are checked (a typo is an error, not untyped)
export function make<Obs = unknown, Act = unknown, Id extends string = string>(id: NotBuiltIn<Id> | EnvSpec, kwargs?: Record<string, unknown>, options?: MakeOptions): Env<Obs, Act>;
export function make<Obs = unknown, Act = unknown>(id: string | EnvSpec, kwargs: object = {}, options: MakeOptions = {}): Env<Obs, Act> {
  const base = isEnvSpec(id) ? id : typeof id === 'string' ? spec(id) : invalidId('make', id);
  const unknown = unknownKeys(options, ['maxEpisodeSteps', 'disableEnvChecker'], 'option');
  if (unknown !== undefined) throw new GymError(`make: unknown ${unknown} (options: maxEpisodeSteps, disableEnvChecker; env kwargs go in the second argument)`);
  // an array or a string spread into the kwargs as indices (or as nothing) rather than refused
  if (!isPlainObject(kwargs)) throw new InvalidArgumentError(`make(${JSON.stringify(base.id)}): kwargs must be a plain object of keyword arguments, got ${formatValue(kwargs)}`);
  if (options.disableEnvChecker !== undefined && typeof options.disableEnvChecker !== 'boolean') throw new InvalidArgumentError(`make(${JSON.stringify(base.id)}): options.disableEnvChecker must be a boolean, got ${formatValue(options.disableEnvChecker)}`);
  const factory = resolveEntryPoint(base);
  const limit = options.maxEpisodeSteps ?? base.maxEpisodeSteps;
  const maxEpisodeSteps = limit === -1 ? undefined : limit;
  const merged = { ...base.kwargs, ...kwargs };
  let env = factory(merged) as Env<Obs, Act>;
  // the TimeLimit reports the limit in its spec; the env's own has none (gymnasium.make)
  env.unwrapped.spec = Object.freeze({ ...base, maxEpisodeSteps: undefined, kwargs: Object.freeze(merged) });
  if (!options.disableEnvChecker) env = new PassiveEnvChecker(env);
  env = new OrderEnforcing(env);
  if (maxEpisodeSteps !== undefined) env = new TimeLimit(env, maxEpisodeSteps);
  return env;
}

function resolveEntryPoint(s: EnvSpec): EnvFactory {
  if (typeof s.entryPoint === 'function') return s.entryPoint;
  const factory = entryPoints.get(s.entryPoint);
  if (!factory) throw new UnregisteredEnvError(`${s.id}: entry point "${s.entryPoint}" is not registered (registered: ${[...entryPoints.keys()].join(', ') || '(none)'})`);
  return factory;
}

export function isEnvSpec(value: unknown): value is EnvSpec {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

function invalidId(owner: string, id: unknown): never {
  throw new InvalidArgumentError(`${owner}: expected an env id (a string such as "BDT-v0")${owner === 'make' || owner === 'makeVec' ? ' or an EnvSpec' : ''}, got ${formatValue(id)}`);
}
