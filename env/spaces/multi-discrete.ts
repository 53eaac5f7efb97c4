/**
 * A vector of independent discrete values, element `i` in `{start[i], ..., start[i] + nvec[i] - 1}`:
 * gymnasium.spaces.MultiDiscrete (1-d). Elements are `Int32Array`s of length `nvec.length`.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { Space, type SpaceJSON } from './space.ts';
import { validMaskCount } from './discrete.ts';
import { describeArrayMismatch } from './shape.ts';
import { assertMaskOrProbability, checkProbability, sampleCategorical, type Probability } from './probability.ts';

/** One 0/1 mask per element (see `DiscreteMask`). */
export type MultiDiscreteMask = ArrayLike<ArrayLike<number>>;

/** One probability vector per element (see `Discrete.sample`): `probability[i]` has `nvec[i]` entries summing to 1. */
export type MultiDiscreteProbability = ArrayLike<Probability>;

export class MultiDiscrete extends Space<Int32Array> {
  /** Number of values of each element. */
  readonly nvec: Int32Array;
  /** Smallest value of each element. */
  readonly start: Int32Array;

  constructor(nvec: ArrayLike<number>, options: { start?: ArrayLike<number>; seed?: number | string } = {}) {
    super([nvec.length], options.seed);
    this.nvec = Int32Array.from(nvec);
    this.start = options.start ? Int32Array.from(options.start) : new Int32Array(nvec.length);
    for (let i = 0; i < nvec.length; i++) {
      if (!Number.isInteger(nvec[i]) || (nvec[i] as number) < 1) throw new SpaceError(`MultiDiscrete: nvec[${i}] = ${formatValue(nvec[i])} must be a positive integer`);
    }
    if (this.start.length !== nvec.length) throw new SpaceError(`MultiDiscrete: start has ${this.start.length} elements, nvec has ${nvec.length}`);
  }

  /**
   * Independent values per element: uniform, uniform over `mask[i]`'s allowed values, or drawn
   * from `probability[i]`. Give at most one of `mask` and `probability`, as Gymnasium.
   */
  sample(mask?: MultiDiscreteMask, probability?: MultiDiscreteProbability): Int32Array {
    assertMaskOrProbability('MultiDiscrete', mask, probability);
    if (probability != null) return this.sampleWithProbability(probability);
    const out = new Int32Array(this.nvec.length);
    if (mask != null && mask.length !== this.nvec.length) throw new SpaceError(`MultiDiscrete.sample: mask has ${mask.length} entries, expected ${this.nvec.length}`);
    for (let i = 0; i < out.length; i++) {
      const n = this.nvec[i] as number;
      const m = mask?.[i];
      let v = 0;
      if (m == null) v = Math.floor(this.rng() * n);
      else {
        const allowed = validMaskCount(`MultiDiscrete(mask[${i}])`, m, n);
        let k = Math.floor(this.rng() * allowed);
        for (let j = 0; j < n && allowed > 0; j++) if (m[j] === 1 && k-- === 0) { v = j; break; }
      }
      out[i] = (this.start[i] as number) + v;
    }
    return out;
  }

  private sampleWithProbability(probability: MultiDiscreteProbability): Int32Array {
    const length = (probability as ArrayLike<unknown> | null)?.length;
    if (typeof probability !== 'object' || probability === null || length !== this.nvec.length) {
      throw new SpaceError(`MultiDiscrete.sample: probability must hold one vector per element (${this.nvec.length}), got ${formatValue(probability)}`);
    }
    // Validate every element before drawing, so a bad vector does not advance the stream.
    const sums = Array.from(this.nvec, (n, i) => checkProbability('MultiDiscrete', `probability[${i}]`, probability[i], n, true));
    const out = new Int32Array(this.nvec.length);
    for (let i = 0; i < out.length; i++) out[i] = (this.start[i] as number) + sampleCategorical(this.rng, probability[i]!, sums[i]!);
    return out;
  }

  contains(x: unknown): x is Int32Array {
    if (!(x instanceof Int32Array) || x.length !== this.nvec.length) return false;
    for (let i = 0; i < x.length; i++) {
      const v = (x[i] as number) - (this.start[i] as number);
      if (v < 0 || v >= (this.nvec[i] as number)) return false;
    }
    return true;
  }

  explain(x: unknown): string | undefined {
    const mismatch = describeArrayMismatch('Int32Array', this.nvec.length, x);
    if (mismatch) return mismatch;
    const a = x as Int32Array;
    for (let i = 0; i < a.length; i++) {
      const lo = this.start[i] as number;
      const hi = lo + (this.nvec[i] as number) - 1;
      if ((a[i] as number) < lo || (a[i] as number) > hi) return `element [${i}] = ${a[i]} is outside {${lo}, …, ${hi}}`;
    }
    return undefined;
  }

  toJSON(): SpaceJSON {
    return { type: 'MultiDiscrete', nvec: Array.from(this.nvec), start: Array.from(this.start) };
  }

  toString(): string {
    const hasStart = this.start.some((s) => s !== 0);
    return `MultiDiscrete([${this.nvec.join(', ')}]${hasStart ? `, start=[${this.start.join(', ')}]` : ''})`;
  }
}
