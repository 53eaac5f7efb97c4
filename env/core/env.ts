/**
 * The Env contract, as gymnasium.Env (1.x): `reset` returns `[obs, info]`, `step` returns
 * `[obs, reward, terminated, truncated, info]`.
 */
import type { VectorEnv } from '../vector/vector-env.ts';
import type { Space } from '../spaces/space.ts';
import { AttributeRefusedError, InvalidArgumentError } from './errors.ts';
import { formatValue, unknownKeys } from './format.ts';
import { checkSeed, makeRng, type Rng } from './rng.ts';

/** Extra per-step or per-reset information; values are plain data. */
export type Info = Record<string, unknown>;

/**
 * Arguments of `reset` (Gymnasium's `reset(seed=..., options=...)` keywords); any other key is an
 * `InvalidArgumentError`.
 */
export interface ResetArgs {
  /** Re-seed the env's random streams; without it (or with null, Python's `seed=None`) the streams continue. */
  seed?: number | null;
  /** Env-specific reset options. */
  options?: Record<string, unknown>;
}

/**
 * Refuses reset arguments that are not an object of `seed` and `options` (Python refuses an
 * unknown keyword): a misspelt `{ seeed: 7 }` would otherwise reset unseeded without a word.
 * `owner` names the caller.
 */
export function checkResetArgs(args: unknown, owner: string): void {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new InvalidArgumentError(`${owner}: expected { seed?, options? } or nothing, got ${Array.isArray(args) ? 'an array' : String(args)}`);
  const unknown = unknownKeys(args, ['seed', 'options'], 'argument');
  if (unknown !== undefined) throw new InvalidArgumentError(`${owner}: unknown reset ${unknown} (reset takes { seed?, options? })`);
  checkResetOptions((args as ResetArgs).options, owner);
}

/**
 * Refuses reset `options` that are neither a plain object (prototype `Object.prototype` or null:
 * Python's dict) nor null or undefined (no options, as Python's `options=None`): an env would
 * otherwise fail on them with a bare TypeError, or read an array's, typed array's or Map's keys
 * (a vector env's reset_mask given as the options reset every env). `owner` names the caller.
 */
export function checkResetOptions(options: unknown, owner: string): void {
  if (options == null) return;
  const prototype: unknown = typeof options === 'object' ? Object.getPrototypeOf(options) : undefined;
  if (prototype === Object.prototype || prototype === null) return;
  // formatValue shows a Map or a class instance as {…}: name its class
  const className: unknown = (prototype as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
  const shown = formatValue(options);
  const kind = typeof className === 'string' && className !== '' && !Array.isArray(options) && !shown.startsWith(className) ? ` (class ${className})` : '';
  throw new InvalidArgumentError(`${owner}: options must be a plain object, or null or undefined for none; got ${shown}${kind}`);
}

/** `reset`'s result; `I`, an env's own info type (the B-DT env's `BdtResetInfo`). */
export type ResetResult<Obs, I extends Info = Info> = [obs: Obs, info: I];
/** `step`'s result; `I`, an env's own info type (the B-DT env's `BdtInfo`). */
export type StepResult<Obs, I extends Info = Info> = [obs: Obs, reward: number, terminated: boolean, truncated: boolean, info: I];

/**
 * A render mode (Gymnasium's `render_mode`): `'ansi'` (`render()` returns a string, the one mode
 * the built-in envs implement), `'rgb_array'` (a Uint8Array) or `'human'` (returns nothing), as an
 * env of your own declares in `metadata.renderModes`.
 */
export type RenderMode = 'ansi' | 'human' | 'rgb_array';

/**
 * An env's `metadata` (Gymnasium's `metadata` dict): the render modes it supports and their frame
 * rate.
 */
export interface EnvMetadata {
  /** Render modes the env supports (Gymnasium's `render_modes`); the default is none. */
  renderModes: readonly RenderMode[];
  /** Frames per second of rendering (Gymnasium's `render_fps`), > 0. */
  renderFps?: number;
  [key: string]: unknown;
}

/** Builds an env from its keyword arguments (a registry entry point). */
export type EnvFactory = (kwargs: Record<string, unknown>) => Env<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any env type

/** Builds a native vector env of `numEnvs` copies from the env's keyword arguments (Gymnasium's `vector_entry_point`). */
export type VectorEnvFactory = (numEnvs: number, kwargs: Record<string, unknown>) => VectorEnv<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- any env type

/** How an env was made by the registry (gymnasium.envs.registration.EnvSpec). */
export interface EnvSpec {
  readonly id: string;
  /** A factory, or the key of one registered with `registerEntryPoint`. */
  readonly entryPoint: string | EnvFactory;
  /** A natively vectorised form, which `makeVec` uses by default. */
  readonly vectorEntryPoint?: VectorEnvFactory | undefined;
  readonly maxEpisodeSteps?: number | undefined;
  readonly rewardThreshold?: number | undefined;
  /** Whether the same seed and actions need not repeat an episode (Gymnasium's `nondeterministic`): `checkEnv` then skips comparing the episodes. */
  readonly nondeterministic?: boolean | undefined;
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/**
 * Whether `value` is an env by its shape (reset, step and both spaces), not its class: an env of
 * another copy of bdt-gym is one too.
 */
export function hasEnvShape(value: unknown): value is Env {
  const candidate = value as Partial<Env> | null | undefined;
  return typeof candidate?.reset === 'function' && typeof candidate.step === 'function' && candidate.observationSpace !== undefined && candidate.actionSpace !== undefined;
}

/**
 * A reinforcement-learning environment (gymnasium.Env). Subclasses define the two spaces,
 * `reset` (calling `checkResetArgs(args, owner)`, checking its options, then `this.seedStreams(args.seed)`) and `step`; they validate actions
 * cheaply themselves (see `assertAction`), since the make() wrappers check only the first step.
 * Env classes document Gymnasium's sections: Description, Action Space, Observation Space,
 * Rewards, Starting State, Episode End, Arguments.
 */
export abstract class Env<Obs = unknown, Act = unknown> {
  /** The set of valid observations. */
  abstract readonly observationSpace: Space<Obs>;
  /** The set of valid actions. */
  abstract readonly actionSpace: Space<Act>;
  /**
   * Render modes and frame rate (gymnasium `metadata`). None by default, as Gymnasium's `Env`: an
   * env that overrides `render` lists its modes (and a `renderFps`).
   */
  metadata: EnvMetadata = { renderModes: [] };
  private ownRenderMode: RenderMode | undefined = undefined;
  private ownSpec: EnvSpec | undefined = undefined;
  // a seed from entropy, not an entropy string, so that npRandomSeed can name it (53 bits: unseeded envs rarely share a stream)
  private ownRandomSeed: number = Math.floor(Math.random() * 2 ** 53);
  private ownRandom: Rng = makeRng(this.ownRandomSeed);
  private ownSeed: number | undefined = undefined;

  /**
   * The env's own generator; re-seeded only when `reset` is given a seed. A wrapper's is its inner
   * env's. Assigning one makes `npRandomSeed` -1 (its seed is unknown), as Gymnasium's setter.
   */
  protected get npRandom(): Rng {
    return this.ownRandom;
  }

  /** Replaces the generator; `npRandomSeed` becomes -1. */
  protected set npRandom(rng: Rng) {
    this.setNpRandom(rng, -1);
  }

  /** Make `rng`, made from `seed` (-1: unknown), the generator; a wrapper's goes to its inner env. */
  protected setNpRandom(rng: Rng, seed: number): void {
    this.ownRandom = rng;
    this.ownRandomSeed = seed;
  }

  /**
   * The seed of the env's generator, Gymnasium's `np_random_seed`: that of the last `reset` given
   * one; before any, the seed drawn from entropy for it (`reset({ seed: env.npRandomSeed })` restarts
   * that stream); -1 once a generator was assigned to `npRandom`. Read-only; a wrapper's is its inner env's.
   */
  get npRandomSeed(): number {
    return this.ownRandomSeed;
  }

  /** The seed last given to `reset`, from which sub-streams are derived. A wrapper's is its inner env's. */
  protected get seedValue(): number | undefined {
    return this.ownSeed;
  }

  /** Records the seed `reset` was given. */
  protected set seedValue(seed: number | undefined) {
    this.ownSeed = seed;
  }

  /**
   * Start an episode. Implementations check their arguments, then call `this.seedStreams(args.seed)`
   * before drawing, which re-seeds when a seed is given and leaves the streams alone otherwise
   * (gymnasium's `super().reset(seed)`): a reset refused for its options leaves the streams and
   * `npRandomSeed` as they were.
   */
  abstract reset(args?: ResetArgs): ResetResult<Obs>;

  /**
   * Re-seed `npRandom` (and record `seedValue` for sub-streams, `npRandomSeed`) when `seed` is
   * given; no-op otherwise (null too, as a vector env's reset and Python's `seed=None`).
   */
  protected seedStreams(seed: number | null | undefined): void {
    if (seed == null) return;
    checkSeed(seed, `${this.constructor.name}.reset`);
    this.seedValue = seed;
    this.setNpRandom(makeRng(seed), seed);
  }

  /**
   * Advance one step. Returns a fresh observation; invalid actions throw `InvalidActionError`
   * naming the space and the value.
   */
  abstract step(action: Act): StepResult<Obs>;

  /** Render per `renderMode`; `ansi` returns a string. */
  render(): string | Uint8Array | undefined {
    return undefined;
  }

  /** Release resources; safe to call more than once. */
  close(): void {}

  /** The render mode chosen at construction (a `renderMode` kwarg), if any. A wrapper's is its inner env's. */
  get renderMode(): RenderMode | undefined {
    return this.ownRenderMode;
  }

  /**
   * Sets the render mode (on the unwrapped env: a wrapper's is read-only, as Gymnasium's
   * `Wrapper.render_mode`).
   */
  set renderMode(mode: RenderMode | undefined) {
    this.ownRenderMode = mode;
  }

  /**
   * How `make` built this env; `undefined` for envs constructed directly. As in Gymnasium, the
   * unwrapped env's spec has no `maxEpisodeSteps`: a `TimeLimit` around it reports its own.
   */
  get spec(): EnvSpec | undefined {
    return this.ownSpec;
  }

  /** Set by `make` to record how it built the env. */
  set spec(spec: EnvSpec | undefined) {
    this.ownSpec = spec;
  }

  /** Whether this env (or, through wrappers, an env below) has the attribute `name` (Gymnasium's `has_wrapper_attr`). */
  hasWrapperAttr(name: string): boolean {
    return name in this;
  }

  /** The attribute `name` of this env, or of the outermost env below that has it (Gymnasium's `get_wrapper_attr`). */
  getWrapperAttr(name: string): unknown {
    if (!(name in this)) throw new AttributeRefusedError(`${this.constructor.name} has no attribute "${name}"`);
    return (this as unknown as Record<string, unknown>)[name];
  }

  /**
   * Sets the attribute `name` on the outermost env (this one or one below) that has it, or on
   * this one when none has it and `force` (the default), as Gymnasium's `set_wrapper_attr`.
   * Refuses (`AttributeRefusedError`, nothing set) what an assignment would break: `__proto__`,
   * `constructor`, `prototype`, a method, a getter without a setter.
   */
  setWrapperAttr(name: string, value: unknown, options: { force?: boolean } = {}): void {
    (this.wrapperAttrTarget(name, options) as unknown as Record<string, unknown>)[name] = value;
  }

  /**
   * The env that `setWrapperAttr(name, …, options)` sets `name` on, or the `AttributeRefusedError`
   * it throws, thrown here without setting anything (vector envs check every env first).
   */
  wrapperAttrTarget(name: string, { force = true }: { force?: boolean } = {}): Env {
    if (!(name in this) && !force) throw new AttributeRefusedError(`${this.constructor.name} has no attribute "${name}" to set (force: false)`);
    return assertSettableAttr(this, name);
  }

  /**
   * The innermost env under any wrappers. Typed `Env<unknown, unknown>` (Gymnasium: `Env[ObsType,
   * ActType]`): an `Env<Obs, Act>` may be a wrapper that changed the types of the env it wraps, and
   * a wrapper's own `unwrapped` is typed by that env's (`Wrapper.unwrapped`), which it could not
   * be if this one claimed `Obs` and `Act`. Narrow it with `instanceof` (`BdtEnv`) or a cast.
   */
  get unwrapped(): Env<unknown, unknown> {
    return this;
  }

  /** The env's class and registered id, e.g. `<CartPoleEnv<CartPole-v1>>`. */
  toString(): string {
    return `<${this.constructor.name}${this.spec ? `<${this.spec.id}>` : ''}>`;
  }
}

/** Names whose assignment would replace an object's prototype or class link rather than set data. */
const RESERVED_ATTRS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `env`, unless assigning its attribute `name` would break it or fail: a reserved name, a method
 * (a function on its class: an own function-valued field, such as a callback, is data), or an
 * accessor without a setter.
 */
function assertSettableAttr(env: Env, name: string): Env {
  const refuse = (why: string) => new AttributeRefusedError(`${env.toString()}.setWrapperAttr("${name}"): "${name}" is ${why}`);
  if (RESERVED_ATTRS.has(name)) throw refuse("reserved; setting it would replace the env's prototype or class link");
  for (let holder: object | null = env; holder !== null; holder = Object.getPrototypeOf(holder)) {
    const property = Object.getOwnPropertyDescriptor(holder, name);
    if (property === undefined) continue;
    const owner = holder === env ? env.constructor.name : holder.constructor.name;
    if (holder !== env && typeof property.value === 'function') throw refuse(`a method of ${owner}; a value would replace it`);
    if (property.get !== undefined && property.set === undefined) throw refuse(`read-only: ${owner} has a getter for it and no setter`);
    break;
  }
  return env;
}
