/**
 * A finite set of integers `{start, ..., start + n - 1}`: gymnasium.spaces.Discrete. Elements are
 * plain `number`s.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { uniformIndex } from '../core/rng.ts';
import { Space, type SpaceJSON } from './space.ts';
import { assertMaskOrProbability, checkProbability, sampleCategorical, type Probability } from './probability.ts';

/**
 * A sampling mask: one entry per value, 1 = allowed, 0 = excluded (gymnasium's int8 mask).
 * An all-zero mask samples `start`, as Gymnasium.
 */
export type DiscreteMask = ArrayLike<number>;

/**
 * The integers `start` to `start + n - 1` (gymnasium.spaces.Discrete). An element is a plain
 * `number`, batched to `Int32Array` in vector envs.
 */
export class Discrete extends Space<number> {
  /** Number of values. */
  readonly n: number;
  /** Smallest value. */
  readonly start: number;

  /**
   * @param n number of values (>= 1)
   * @param start smallest value
   */
  constructor(n: number, start = 0, seed?: number | string) {
    super([], seed);
    // safe integers only: beyond 2^53 - 1 neighbouring values are the same number
    if (!Number.isSafeInteger(n) || n < 1) throw new SpaceError(`Discrete: n = ${formatValue(n)} must be a positive integer <= ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)`);
    if (!Number.isSafeInteger(start)) throw new SpaceError(`Discrete: start = ${formatValue(start)} must be an integer within ±${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)`);
    if (!Number.isSafeInteger(start + n - 1)) throw new SpaceError(`Discrete: the largest value, start + n - 1 = ${start} + ${n} - 1, is above ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER)`);
    this.n = n;
    this.start = start;
  }

  /**
   * A uniformly random value; with `mask`, uniform over the allowed values; with `probability`
   * (one entry per value, summing to 1), value `start + i` with probability `probability[i]`.
   * Give at most one of the two, as Gymnasium. Up to n = 2^21 values, uniform within a relative
   * n / 2^32 (one 32-bit draw), exactly beyond (53 bits from two draws, redrawn past the last whole block).
   */
  sample(mask?: DiscreteMask, probability?: Probability): number {
    assertMaskOrProbability('Discrete', mask, probability);
    if (probability != null) {
      const sum = checkProbability('Discrete', 'probability', probability, this.n, true);
      return this.start + sampleCategorical(this.rng, probability, sum);
    }
    if (mask == null) return this.start + uniformIndex(this.rng, this.n);
    const allowed = validMaskCount('Discrete', mask, this.n);
    if (allowed === 0) return this.start;
    let k = uniformIndex(this.rng, allowed);
    for (let i = 0; i < this.n; i++) if (mask[i] === 1 && k-- === 0) return this.start + i;
    throw new Error('unreachable: mask count mismatch');
  }

  contains(x: unknown): x is number {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  explain(x: unknown): string | undefined {
    if (typeof x !== 'number') return `expected an integer number, got ${typeof x}`;
    if (!Number.isInteger(x)) return `${x} is not an integer`;
    if (x < this.start || x >= this.start + this.n) return `${x} is outside {${this.start}, …, ${this.start + this.n - 1}}`;
    return undefined;
  }

  toJSON(): SpaceJSON {
    return { type: 'Discrete', n: this.n, start: this.start };
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** Number of allowed entries of a 0/1 mask of length `n`; throws naming the bad index. */
export function validMaskCount(owner: string, mask: ArrayLike<number>, n: number): number {
  if (typeof mask !== 'object' || mask === null || typeof mask.length !== 'number') throw new SpaceError(`${owner}.sample: mask must be an array of ${n} 0/1 entries, got ${formatValue(mask)}`);
  if (mask.length !== n) throw new SpaceError(`${owner}.sample: mask has length ${mask.length}, expected ${n}`);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const m = mask[i];
    if (m !== 0 && m !== 1) throw new SpaceError(`${owner}.sample: mask[${i}] = ${formatValue(m)} must be 0 or 1`);
    count += m;
  }
  return count;
}
