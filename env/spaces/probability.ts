/**
 * Probability vectors for `sample(mask, probability)` of the discrete spaces (Gymnasium 1.x's
 * `probability` argument): validation with messages that name the entry, and the categorical
 * draw itself, from the space's own seeded stream.
 */
import { SpaceError } from '../core/errors.ts';
import { formatValue } from '../core/format.ts';
import type { Rng } from '../core/rng.ts';

/**
 * A probability per value (Discrete, each MultiDiscrete element) or per bit (MultiBinary):
 * floating-point numbers in [0, 1], as a `Float64Array`, `Float32Array` or `number[]`
 * (Gymnasium's float64 array). Integer typed arrays are refused: they are masks.
 */
export type Probability = Float64Array | Float32Array | readonly number[];

/**
 * Largest accepted |sum - 1| of a categorical probability vector: NumPy's `isclose(sum, 1)`
 * defaults (rtol 1e-5 times 1, plus atol 1e-8), which Gymnasium uses.
 */
const PROBABILITY_SUM_TOLERANCE = 1e-5 + 1e-8;

/** Throws `SpaceError` unless `mask` and `probability` are not both given (Gymnasium's rule). */
export function assertMaskOrProbability(owner: string, mask: unknown, probability: unknown): void {
  if (mask != null && probability != null) {
    throw new SpaceError(`${owner}.sample: give either a mask or a probability, not both (mask = ${formatValue(mask)}, probability = ${formatValue(probability)})`);
  }
}

/**
 * Checks that `p` (named `label` in messages) is a float vector of length `n` with entries in
 * [0, 1]; with `sumsToOne`, also that it sums to 1 within `PROBABILITY_SUM_TOLERANCE`.
 * Returns the sum.
 */
export function checkProbability(owner: string, label: string, p: unknown, n: number, sumsToOne: boolean): number {
  const isFloatArray = p instanceof Float64Array || p instanceof Float32Array || Array.isArray(p);
  if (!isFloatArray) throw new SpaceError(`${owner}.sample: ${label} must be a Float64Array, Float32Array or number[], got ${describeType(p)}`);
  const v = p as ArrayLike<unknown>;
  if (v.length !== n) throw new SpaceError(`${owner}.sample: ${label} has length ${v.length}, expected ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw new SpaceError(`${owner}.sample: ${label}[${i}] = ${formatValue(x)} must be a number in [0, 1]`);
    sum += x;
  }
  if (sumsToOne && !(Math.abs(sum - 1) <= PROBABILITY_SUM_TOLERANCE)) {
    throw new SpaceError(`${owner}.sample: ${label} sums to ${sum}, expected 1 (within ${PROBABILITY_SUM_TOLERANCE})`);
  }
  return sum;
}

/**
 * Index `i` with probability `p[i] / sum` (one draw from `rng`). Entries of probability 0 are
 * never returned, even when rounding leaves the cumulative sum short of the draw.
 */
export function sampleCategorical(rng: Rng, p: ArrayLike<number>, sum: number): number {
  const u = rng() * sum;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi === 0) continue;
    cumulative += pi;
    last = i;
    if (u < cumulative) return i;
  }
  return last;
}

function describeType(x: unknown): string {
  if (x === null) return 'null';
  if (ArrayBuffer.isView(x)) return x.constructor.name;
  return typeof x;
}
