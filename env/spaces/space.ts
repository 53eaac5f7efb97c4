/**
 * The base of every space: a set of valid observations or actions, with a seeded sampler.
 * Mirrors gymnasium.spaces.Space.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue, unknownKeys } from '../core/format.ts';
import { checkSeed, entropySeed, makeRng, type Rng } from '../core/rng.ts';

/** JSON form of a space (`toJSON()`), enough to rebuild it with `spaceFromJSON`. */
export interface SpaceJSON {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * What `seed()` used (Gymnasium's return value): the seed of a simple space (drawn from entropy
 * when none was given), one entry per key of a Dict and per index of a Tuple.
 */
export type SpaceSeeds = number | string | readonly SpaceSeeds[] | { readonly [key: string]: SpaceSeeds };

/** The element type of a space: `SpaceElement<Box>` is `Float32Array`. */
export type SpaceElement<S> = S extends Space<infer T> ? T : never;

/**
 * Base class of every space (gymnasium.spaces.Space): the set of an env's observations or actions,
 * typed by its element `T`, with its own seeded sampler.
 */
export abstract class Space<T> {
  /** Shape of one element (`[]` for scalars and composite spaces). */
  readonly shape: readonly number[];
  protected rng: Rng;

  protected constructor(shape: readonly number[], seed?: number | string) {
    this.shape = shape;
    if (seed !== undefined) checkSeed(seed, `${new.target.name}: the constructor's`, { strings: true });
    this.rng = makeRng(seed);
  }

  /**
   * Re-seed the sampler with `seed` (an integer >= 0, or a string), or with a fresh seed from
   * entropy; returns the seed used, as Gymnasium's `Space.seed`.
   */
  seed(seed?: number | string): SpaceSeeds {
    const used = seed ?? entropySeed();
    checkSeed(used, `${this.constructor.name}.seed`, { strings: true });
    this.rng = makeRng(used);
    return used;
  }

  /**
   * A uniformly random element (for bounded spaces), drawn from this space's own stream; the
   * discrete spaces (and composites of them) also take a `mask` or a `probability`.
   */
  abstract sample(mask?: unknown, probability?: unknown): T;
  /** Whether `x` is an element of this space (type, shape, dtype and bounds). */
  abstract contains(x: unknown): x is T;
  /** Why `x` is not an element, naming the offending key and index; `undefined` if it is. */
  abstract explain(x: unknown): string | undefined;
  /** JSON form. */
  abstract toJSON(): SpaceJSON;

  /**
   * Whether `other` is the same space (Gymnasium's `==`): the same JSON form, so the same type,
   * dtype, shape, bounds (exactly; Gymnasium's Box compares them with `np.allclose`), `n` and
   * `start`, keys in order (they order `flatten`) and sub-spaces. The sampler's seed is not compared.
   */
  equals(other: Space<unknown>): boolean {
    return other instanceof Space && JSON.stringify(this.toJSON()) === JSON.stringify(other.toJSON());
  }

  /** Short human-readable form, e.g. `Box(-1, 1, [4], float32)`. */
  abstract toString(): string;
}

/**
 * `options` when it is a plain object of `known` keys only, else a `SpaceError` from `owner`: a
 * positional argument in Gymnasium's place (`Box(0, 1, [2])`) or a misspelt key would otherwise
 * be ignored without a word.
 */
export function checkSpaceOptions<O extends object>(owner: string, options: O, known: readonly (keyof O & string)[]): O {
  const prototype = typeof options === 'object' && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (prototype !== Object.prototype && prototype !== null) {
    const hint = Array.isArray(options) ? `; pass { ${known[0]}: ${formatValue(options)} }` : '';
    throw new SpaceError(`${owner}: options must be an object { ${known.join(', ')} }, got ${formatValue(options)}${hint}`);
  }
  const unknown = unknownKeys(options, known, 'option');
  if (unknown !== undefined) throw new SpaceError(`${owner}: unknown ${unknown} (options: ${known.join(', ')})`);
  return options;
}
