/**
 * A (possibly unbounded) box in R^n: gymnasium.spaces.Box for floating-point dtypes. Elements are
 * flat row-major typed arrays (`Float32Array` for float32, `Float64Array` for float64) of
 * `size = prod(shape)` numbers; `shape` is carried by the space.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import { Space, type SpaceJSON } from './space.ts';
import { encodeNumbers } from './json-number.ts';
import { checkShape, describeArrayMismatch, describeIndex, shapeSize } from './shape.ts';

export type BoxDtype = 'float32' | 'float64';
/** An element of a Box: a flat typed array of the Box's dtype. */
export type BoxElement = Float32Array | Float64Array;

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
    const shape = options.shape ?? inferShape(low, high);
    super(checkShape('Box', shape), options.seed);
    this.dtype = options.dtype ?? 'float32';
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

  private bounds(name: string, value: number | ArrayLike<number>): T {
    const out = new this.ArrayType(this.size) as T;
    if (typeof value === 'number') {
      if (Number.isNaN(value)) throw new SpaceError(`Box: ${name} is NaN`);
      out.fill(value);
      return out;
    }
    if (value.length !== this.size) throw new SpaceError(`Box: ${name} has ${value.length} elements, shape [${this.shape.join(', ')}] needs ${this.size}`);
    for (let i = 0; i < this.size; i++) {
      const v = value[i] as number;
      if (typeof v !== 'number' || Number.isNaN(v)) throw new SpaceError(`Box: ${name}${describeIndex(i, this.shape)} = ${formatValue(v)} is not a number`);
      out[i] = v;
    }
    return out;
  }

  /** Whether both bounds of every element are finite. */
  isBounded(): boolean {
    for (let i = 0; i < this.size; i++) if (!Number.isFinite(this.low[i]) || !Number.isFinite(this.high[i])) return false;
    return true;
  }

  /** A new zero-filled element (convenience for preallocation). */
  zeros(): T {
    return new this.ArrayType(this.size) as T;
  }

  /**
   * Per element, as Gymnasium: uniform on [low, high] when bounded, `low + Exp(1)` /
   * `high - Exp(1)` when bounded on one side, standard normal when unbounded. Takes no mask or
   * probability (Gymnasium refuses them too).
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
      if (loFinite && hiFinite) out[i] = lo + (hi - lo) * this.rng();
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

  explain(x: unknown): string | undefined {
    const mismatch = describeArrayMismatch(this.ArrayType.name, this.size, x);
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

function inferShape(low: number | ArrayLike<number>, high: number | ArrayLike<number>): number[] {
  if (typeof low !== 'number') return [low.length];
  if (typeof high !== 'number') return [high.length];
  return [1]; // two scalars: one element, as Gymnasium's Box
}
