/**
 * Binary vectors or arrays: gymnasium.spaces.MultiBinary. Elements are flat row-major `Int8Array`s
 * of 0/1 with `prod(shape)` entries.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { Space, type SpaceJSON } from './space.ts';
import { checkShape, describeArrayMismatch, describeIndex, shapeSize } from './shape.ts';
import { assertMaskOrProbability, checkProbability, type Probability } from './probability.ts';

/** Per entry: 0 or 1 forces the value, 2 samples it (gymnasium's MultiBinary mask). */
export type MultiBinaryMask = ArrayLike<number>;

/**
 * Arrays of bits of a given shape (gymnasium.spaces.MultiBinary). An element is a flat row-major
 * `Int8Array` of 0s and 1s.
 */
export class MultiBinary extends Space<Int8Array> {
  /** Number of bits, `prod(shape)`. */
  readonly size: number;

  /** @param n number of bits, or the shape of the bit array; every dimension at least 1, as Gymnasium's */
  constructor(n: number | readonly number[], seed?: number | string) {
    super(checkShape('MultiBinary', typeof n === 'number' ? [n] : n, 1), seed);
    this.size = shapeSize(this.shape);
  }

  /**
   * Fair coin tosses per bit; `mask` forces bits (0/1) or leaves them random (2); `probability`
   * (one entry in [0, 1] per bit, flat row-major) is each bit's chance of being 1. Give at most
   * one of the two, as Gymnasium.
   */
  sample(mask?: MultiBinaryMask, probability?: Probability): Int8Array {
    assertMaskOrProbability('MultiBinary', mask, probability);
    const out = new Int8Array(this.size);
    if (probability != null) {
      checkProbability('MultiBinary', 'probability', probability, this.size, false);
      // `<` (Gymnasium has `<=`): probability 0 never gives 1, since the draw lies in [0, 1).
      for (let i = 0; i < this.size; i++) out[i] = this.rng() < (probability[i] as number) ? 1 : 0;
      return out;
    }
    if (mask != null && mask.length !== this.size) throw new SpaceError(`MultiBinary.sample: mask has length ${mask.length}, expected ${this.size}`);
    for (let i = 0; i < this.size; i++) {
      const m = mask == null ? 2 : mask[i];
      if (m === 0 || m === 1) out[i] = m;
      else if (m === 2) out[i] = this.rng() < 0.5 ? 0 : 1;
      else throw new SpaceError(`MultiBinary.sample: mask[${i}] = ${formatValue(m)} must be 0, 1 or 2`);
    }
    return out;
  }

  contains(x: unknown): x is Int8Array {
    if (!(x instanceof Int8Array) || x.length !== this.size) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0 && x[i] !== 1) return false;
    return true;
  }

  explain(x: unknown): string | undefined {
    const mismatch = describeArrayMismatch('Int8Array', this.size, x);
    if (mismatch) return mismatch;
    const a = x as Int8Array;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0 && a[i] !== 1) return `element ${describeIndex(i, this.shape)} = ${a[i]} is not 0 or 1`;
    return undefined;
  }

  toJSON(): SpaceJSON {
    return { type: 'MultiBinary', shape: [...this.shape] };
  }

  toString(): string {
    return this.shape.length === 1 ? `MultiBinary(${this.size})` : `MultiBinary([${this.shape.join(', ')}])`;
  }
}
