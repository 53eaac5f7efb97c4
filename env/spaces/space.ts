/**
 * The base of every space: a set of valid observations or actions, with a seeded sampler.
 * Mirrors gymnasium.spaces.Space.
 */
import { makeRng, type Rng } from '../core/rng.ts';

/** JSON form of a space (`toJSON()`), enough to rebuild it with `spaceFromJSON`. */
export interface SpaceJSON {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** The element type of a space: `SpaceElement<Box>` is `Float32Array`. */
export type SpaceElement<S> = S extends Space<infer T> ? T : never;

export abstract class Space<T> {
  /** Shape of one element (`[]` for scalars and composite spaces). */
  readonly shape: readonly number[];
  protected rng: Rng;

  protected constructor(shape: readonly number[], seed?: number | string) {
    this.shape = shape;
    this.rng = makeRng(seed);
  }

  /** Re-seed the sampler; returns the seeds used (one per sub-space for composites). */
  seed(seed?: number | string): Array<number | string | undefined> {
    this.rng = makeRng(seed);
    return [seed];
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
  /** Short human-readable form, e.g. `Box(-1, 1, [4], float32)`. */
  abstract toString(): string;
}
