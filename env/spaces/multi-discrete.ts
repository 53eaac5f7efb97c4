/**
 * A vector of independent discrete values, element `i` in `{start[i], ..., start[i] + nvec[i] - 1}`:
 * gymnasium.spaces.MultiDiscrete (1-d). Elements are `Int32Array`s of length `nvec.length`.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { uniformIndex } from '../core/rng.ts';
import { Space, checkSpaceOptions, type SpaceJSON } from './space.ts';
import { validMaskCount } from './discrete.ts';
import { describeArrayMismatch } from './shape.ts';
import { assertMaskOrProbability, checkProbability, sampleCategorical, type Probability } from './probability.ts';

/** One 0/1 mask per element (see `DiscreteMask`). */
export type MultiDiscreteMask = ArrayLike<ArrayLike<number>>;

/** One probability vector per element (see `Discrete.sample`): `probability[i]` has `nvec[i]` entries summing to 1. */
export type MultiDiscreteProbability = ArrayLike<Probability>;

/**
 * A vector of independent integers, element `i` in `start[i]` to `start[i] + nvec[i] - 1`
 * (gymnasium.spaces.MultiDiscrete). An element is an `Int32Array` (Gymnasium's default dtype is
 * int64), so every value lies in the int32 range.
 */
export class MultiDiscrete extends Space<Int32Array> {
  /** Number of values of each element. */
  readonly nvec: Int32Array;
  /** Smallest value of each element. */
  readonly start: Int32Array;

  constructor(nvec: ArrayLike<number>, options: { start?: ArrayLike<number>; seed?: number | string } = {}) {
    const { start, seed } = checkSpaceOptions('MultiDiscrete', options, ['start', 'seed']);
    const values = int32Values(nvec, start);
    super([values.nvec.length], seed);
    this.nvec = values.nvec;
    this.start = values.start;
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
      if (m == null) v = uniformIndex(this.rng, n);
      else {
        const allowed = validMaskCount(`MultiDiscrete(mask[${i}])`, m, n);
        let k = uniformIndex(this.rng, allowed);
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

/** Smallest int32, the lowest value a `MultiDiscrete` element holds. */
export const INT32_MIN = -(2 ** 31);
/** Largest int32, the highest value a `MultiDiscrete` element holds. */
export const INT32_MAX = 2 ** 31 - 1;

/**
 * `nvec` and `start` (zeros when omitted) as Int32Arrays, checked first: an entry that is not an
 * integer, or a range `{start, …, start + nvec - 1}` beyond int32, would be truncated or wrap
 * around in them (and `sample` give values `contains` refuses).
 */
function int32Values(nvec: unknown, start: unknown): { nvec: Int32Array; start: Int32Array } {
  const isArrayLike = (x: unknown): x is ArrayLike<unknown> => typeof x === 'object' && x !== null && Number.isSafeInteger((x as { length?: unknown }).length);
  if (!isArrayLike(nvec)) throw new SpaceError(`MultiDiscrete: nvec must be an array of positive integers, got ${formatValue(nvec)}`);
  if (start !== undefined && !isArrayLike(start)) throw new SpaceError(`MultiDiscrete: start must be an array of integers, got ${formatValue(start)}`);
  if (start !== undefined && start.length !== nvec.length) throw new SpaceError(`MultiDiscrete: start has ${start.length} elements, nvec has ${nvec.length}`);
  for (let i = 0; i < nvec.length; i++) {
    const n = nvec[i];
    const s = start === undefined ? 0 : start[i];
    if (!Number.isInteger(n) || (n as number) < 1) throw new SpaceError(`MultiDiscrete: nvec[${i}] = ${formatValue(n)} must be a positive integer`);
    if (!Number.isInteger(s)) throw new SpaceError(`MultiDiscrete: start[${i}] = ${formatValue(s)} must be an integer`);
    if ((n as number) > INT32_MAX) throw new SpaceError(`MultiDiscrete: nvec[${i}] = ${formatValue(n)} must be <= ${INT32_MAX} (int32, as nvec is an Int32Array)`);
    const last = (s as number) + (n as number) - 1;
    if ((s as number) < INT32_MIN || last > INT32_MAX) {
      throw new SpaceError(`MultiDiscrete: element [${i}] takes {${formatValue(s)}, …, ${last}} (start[${i}] + nvec[${i}] - 1), beyond int32 [${INT32_MIN}, ${INT32_MAX}], the range of its Int32Array elements`);
    }
  }
  return { nvec: Int32Array.from(nvec as ArrayLike<number>), start: start === undefined ? new Int32Array(nvec.length) : Int32Array.from(start as ArrayLike<number>) };
}
