/**
 * A (possibly unbounded) box in R^n: gymnasium.spaces.Box for floating-point dtypes. Elements are
 * flat row-major typed arrays (`Float32Array` for float32, `Float64Array` for float64) of
 * `size = prod(shape)` numbers; `shape` is carried by the space.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { Space, checkSpaceOptions, type SpaceJSON } from './space.ts';
import { encodeNumbers } from './json-number.ts';
import { checkShape, describeArrayMismatch, describeIndex, shapeSize } from './shape.ts';

/** Element dtype of a `Box`: floating types only (integer vectors are `MultiDiscrete`). */
export type BoxDtype = 'float32' | 'float64';
/** An element of a Box: a flat typed array of the Box's dtype. */
export type BoxElement = Float32Array | Float64Array;

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Options of `new Box(low, high, options)`; an unknown key is a `SpaceError`. */
export interface BoxOptions {
  /** Element shape; inferred as `[length]` from array bounds when omitted. */
  shape?: readonly number[];
  /** Element dtype (default `float32`, as Gymnasium). */
  dtype?: BoxDtype;
  /** Seed of the sampler. */
  seed?: number | string;
}

/**
 * `Box(low, high, {shape, dtype})`. Bounds are scalars (broadcast) or per-element arrays of
 * length `prod(shape)`; `±Infinity` marks an unbounded side. The type parameter `T` must match
 * `dtype` (`Float32Array` for `float32`, the default).
 *
 * @example
 * const box = new Box(-1, 1, { shape: [2, 3] });        // Float32Array elements of length 6
 * const one = new Box(0, 5);                             // shape [1], as Gymnasium
 * const pos = new Box<Float64Array>([0, -Infinity], [1, Infinity], { dtype: 'float64' });
 */
export class Box<T extends BoxElement = Float32Array> extends Space<T> {
  readonly dtype: BoxDtype;
  /** Number of elements, `prod(shape)`. */
  readonly size: number;
  /** Lower bounds, per element, rounded to `dtype`. */
  readonly low: T;
  /** Upper bounds, per element, rounded to `dtype`. */
  readonly high: T;
  private readonly ArrayType: Float32ArrayConstructor | Float64ArrayConstructor;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, options: BoxOptions = {}) {
    const { shape = inferShape(low, high), dtype = 'float32', seed } = checkSpaceOptions('Box', options, ['shape', 'dtype', 'seed']);
    super(checkShape('Box', shape), seed);
    this.dtype = dtype;
    if (this.dtype !== 'float32' && this.dtype !== 'float64') throw new SpaceError(`Box: dtype must be 'float32' or 'float64', got ${formatValue(this.dtype)}`);
    this.ArrayType = this.dtype === 'float32' ? Float32Array : Float64Array;
    this.size = shapeSize(this.shape);
    this.low = this.bounds('low', low);
    this.high = this.bounds('high', high);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      if (!(lo <= hi)) throw new SpaceError(`Box: low${describeIndex(i, this.shape)} = ${lo} must be <= high${describeIndex(i, this.shape)} = ${hi}`);
    }
  }

  private bounds(name: 'low' | 'high', value: number | ArrayLike<number>): T {
    const out = new this.ArrayType(this.size) as T;
    const length = boundLength(name, value);
    if (length === undefined) {
      out.fill(this.checkBound(name, '', value));
      return out;
    }
    if (length !== this.size) throw new SpaceError(`Box: ${name} has ${length} elements, shape [${this.shape.join(', ')}] needs ${this.size}`);
    for (let i = 0; i < this.size; i++) out[i] = this.checkBound(name, describeIndex(i, this.shape), (value as ArrayLike<number>)[i]);
    return out;
  }

  /**
   * `v` as the bound `name` (at `index`): a number, not NaN, not the infinity that leaves no
   * element (low +Infinity, high -Infinity: `sample` would draw outside), and within float32 when
   * that is the dtype (as Gymnasium refuses a bound outside its dtype's range, rather than let it
   * round to an infinity that unbounds the side).
   */
  private checkBound(name: 'low' | 'high', index: string, v: unknown): number {
    const what = `Box: ${name}${index} = ${formatValue(v)}`;
    if (typeof v !== 'number' || Number.isNaN(v)) throw new SpaceError(`${what} is not a number`);
    const unbounded = name === 'low' ? -Infinity : Infinity;
    if (v === -unbounded) throw new SpaceError(`${what} leaves no element to sample (the ${name} of an unbounded side is ${unbounded})`);
    if (this.dtype === 'float32' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
      throw new SpaceError(`${what} is outside the float32 range (largest ${FLOAT32_MAX}); give ${v > 0 ? 'Infinity' : '-Infinity'} for an unbounded side, or dtype 'float64'`);
    }
    return v;
  }

  /** Per element, whether its low bound is finite (Gymnasium's `bounded_below`). */
  get boundedBelow(): boolean[] {
    return Array.from(this.low, (x) => Number.isFinite(x));
  }

  /** Per element, whether its high bound is finite (Gymnasium's `bounded_above`). */
  get boundedAbove(): boolean[] {
    return Array.from(this.high, (x) => Number.isFinite(x));
  }

  /** Whether every element is bounded on both sides, or `'below'` / `'above'` only (Gymnasium's `is_bounded(manner)`). */
  isBounded(manner: 'both' | 'below' | 'above' = 'both'): boolean {
    if (manner !== 'both' && manner !== 'below' && manner !== 'above') throw new SpaceError(`Box.isBounded: manner ${formatValue(manner)} is not 'both', 'below' or 'above'`);
    const below = manner !== 'above';
    const above = manner !== 'below';
    for (let i = 0; i < this.size; i++) if ((below && !Number.isFinite(this.low[i])) || (above && !Number.isFinite(this.high[i]))) return false;
    return true;
  }

  /** A new zero-filled element (convenience for preallocation). */
  zeros(): T {
    return new this.ArrayType(this.size) as T;
  }

  /**
   * Per element, as Gymnasium: uniform on [low, high] when bounded, `low + Exp(1)` /
   * `high - Exp(1)` when bounded on one side, standard normal when unbounded. Takes no mask or
   * probability (Gymnasium refuses them too). A uniform element comes from one 32-bit draw, for
   * float64 too: at most 2^32 distinct values per element (the seeded samples recorded runs
   * rely on stay as they are).
   */
  sample(mask?: undefined, probability?: undefined): T {
    if (mask != null || probability != null) {
      throw new SpaceError(`Box.sample: a Box takes no ${mask != null ? 'mask' : 'probability'} (got ${formatValue(mask ?? probability)})`);
    }
    const out = new this.ArrayType(this.size) as T;
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i] as number;
      const hi = this.high[i] as number;
      const loFinite = Number.isFinite(lo);
      const hiFinite = Number.isFinite(hi);
      if (loFinite && hiFinite) out[i] = lerpBounds(lo, hi, this.rng());
      else if (loFinite) out[i] = lo + this.exponential();
      else if (hiFinite) out[i] = hi - this.exponential();
      else out[i] = this.normal();
    }
    return out;
  }

  private exponential(): number {
    return -Math.log(1 - this.rng());
  }

  private normal(): number {
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    return Math.sqrt(-2 * Math.log(1 - this.rng())) * Math.cos(2 * Math.PI * this.rng());
  }

  contains(x: unknown): x is T {
    if (!(x instanceof this.ArrayType) || x.length !== this.size) return false;
    const { low, high } = this;
    for (let i = 0; i < this.size; i++) {
      const v = x[i] as number;
      if (!(v >= (low[i] as number) && v <= (high[i] as number))) return false;
    }
    return true;
  }

  /** Why `x` is not an array of this Box's type and size, or undefined; its values unchecked (as vector envs leave bounds and NaN to the env). */
  explainArrayType(x: unknown): string | undefined {
    return describeArrayMismatch(this.ArrayType.name, this.size, x);
  }

  explain(x: unknown): string | undefined {
    const mismatch = this.explainArrayType(x);
    if (mismatch) return mismatch;
    const a = x as ArrayLike<number>;
    for (let i = 0; i < this.size; i++) {
      const v = a[i] as number;
      if (Number.isNaN(v)) return `element ${describeIndex(i, this.shape)} is NaN`;
      if (!(v >= (this.low[i] as number) && v <= (this.high[i] as number))) return `element ${describeIndex(i, this.shape)} = ${v} is outside [${this.low[i]}, ${this.high[i]}]`;
    }
    return undefined;
  }

  toJSON(): SpaceJSON {
    return { type: 'Box', low: encodeNumbers(this.low), high: encodeNumbers(this.high), shape: [...this.shape], dtype: this.dtype };
  }

  toString(): string {
    const bound = (a: T) => {
      const enc = encodeNumbers(a);
      return Array.isArray(enc) ? formatValue(Array.from(a)) : String(a[0]);
    };
    return `Box(${bound(this.low)}, ${bound(this.high)}, [${this.shape.join(', ')}], ${this.dtype})`;
  }
}

/**
 * `low + (high - low) f` between finite bounds, also where `high - low` passes the largest double
 * (a float64 range such as -1e308 to 1e308, where it would give Infinity): there the bounds mixed.
 */
export function lerpBounds(low: number, high: number, f: number): number {
  const width = high - low;
  return Number.isFinite(width) ? low + width * f : mixBounds(low, high, f);
}

/** `low (1 - f) + high f`: between finite bounds without their difference, which can overflow. */
export function mixBounds(low: number, high: number, f: number): number {
  return low * (1 - f) + high * f;
}

function inferShape(low: unknown, high: unknown): number[] {
  const lowLength = boundLength('low', low);
  const highLength = boundLength('high', high);
  return [lowLength ?? highLength ?? 1]; // two scalars: one element, as Gymnasium's Box
}

/** The length of an array bound, `undefined` for a number; throws for anything else. */
function boundLength(name: 'low' | 'high', bound: unknown): number | undefined {
  if (typeof bound === 'number') return undefined;
  const length = typeof bound === 'object' && bound !== null ? (bound as { length?: unknown }).length : undefined;
  if (!Number.isSafeInteger(length)) throw new SpaceError(`Box: ${name} must be a number or an array of numbers, got ${formatValue(bound)}`);
  return length as number;
}
