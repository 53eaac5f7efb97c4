/** A fixed-length sequence of sub-spaces: gymnasium.spaces.Tuple. Elements are arrays. */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { Space, type SpaceJSON, type SpaceElement, type SpaceSeeds } from './space.ts';
import { checkSeed, subSeed } from '../core/rng.ts';
import { assertMaskOrProbability } from './probability.ts';

/** The element type of a Tuple over sub-spaces `S`. */
export type TupleElement<S extends readonly Space<unknown>[]> = { -readonly [K in keyof S]: SpaceElement<S[K]> };

/**
 * A fixed-length sequence of sub-spaces (gymnasium.spaces.Tuple); an element is an array of their
 * elements, in order.
 */
export class Tuple<S extends readonly Space<unknown>[] = readonly Space<unknown>[]> extends Space<TupleElement<S>> {
  /** The sub-spaces, in order (frozen). */
  readonly spaces: S;

  constructor(spaces: S, seed?: number | string) {
    super([]);
    if (!Array.isArray(spaces)) throw new SpaceError(`Tuple: spaces must be an array of spaces, got ${formatValue(spaces)}`);
    spaces.forEach((s, i) => {
      if (!(s instanceof Space)) throw new SpaceError(`Tuple: entry [${i}] is not a Space`);
    });
    this.spaces = Object.freeze([...spaces]) as unknown as S;
    if (seed !== undefined) this.seed(seed);
  }

  /**
   * Seeds every sub-space: from one `seed` (sub-seeds derived per index), from an array of one
   * seed per sub-space (as Gymnasium), or each from entropy. Returns the seeds used, in order.
   */
  override seed(seed?: number | string | readonly SpaceSeeds[]): SpaceSeeds[] {
    if (Array.isArray(seed)) {
      if (seed.length !== this.spaces.length) throw new SpaceError(`Tuple.seed: an array of seeds needs ${this.spaces.length} entries, got ${seed.length}`);
    } else if (seed !== undefined) checkSeed(seed, 'Tuple.seed', { strings: true });
    return this.spaces.map((s, i) => {
      const own = seed === undefined ? undefined : Array.isArray(seed) ? seed[i] : subSeed(seed as number | string, String(i));
      return (s.seed as (s?: SpaceSeeds) => SpaceSeeds)(own);
    });
  }

  /**
   * A sample of every sub-space; `mask` holds optional per-index masks, or `probability`
   * optional per-index probabilities (one of the two, as Gymnasium).
   */
  sample(mask?: readonly unknown[], probability?: readonly unknown[]): TupleElement<S> {
    assertMaskOrProbability('Tuple', mask, probability);
    for (const [what, value] of [['mask', mask], ['probability', probability]] as const) {
      if (value != null && (!Array.isArray(value) || value.length !== this.spaces.length)) {
        throw new SpaceError(`Tuple.sample: ${what} must be an array of ${this.spaces.length} entries (one per sub-space), got ${formatValue(value)}`);
      }
    }
    return this.spaces.map((s, i) => s.sample(mask?.[i], probability?.[i])) as TupleElement<S>;
  }

  contains(x: unknown): x is TupleElement<S> {
    if (!Array.isArray(x) || x.length !== this.spaces.length) return false;
    for (let i = 0; i < x.length; i++) if (!this.spaces[i]!.contains(x[i])) return false;
    return true;
  }

  explain(x: unknown): string | undefined {
    if (!Array.isArray(x)) return `expected an Array of length ${this.spaces.length}, got ${x === null ? 'null' : ArrayBuffer.isView(x) ? x.constructor.name : typeof x}`;
    if (x.length !== this.spaces.length) return `expected an Array of length ${this.spaces.length}, got length ${x.length}`;
    for (let i = 0; i < x.length; i++) {
      const why = this.spaces[i]!.explain(x[i]);
      if (why !== undefined) return `index [${i}]: ${why}`;
    }
    return undefined;
  }

  toJSON(): SpaceJSON {
    return { type: 'Tuple', spaces: this.spaces.map((s) => s.toJSON()) };
  }

  toString(): string {
    return `Tuple(${this.spaces.map((s) => s.toString()).join(', ')})`;
  }
}
